// Practices open on $as_at that are members of no open CCG, or of more than one; memberships
// of CCGs closed on the date do not count (they are listed as closed_ccgs).
MATCH (p:Practice)
WHERE coalesce(p.open_date, '0000') <= $as_at <= coalesce(p.close_date, '9999')
OPTIONAL MATCH (p)-[m:MEMBER_OF]->(c:CCG)
WHERE coalesce(m.valid_from, '0000') <= $as_at <= coalesce(m.valid_to, '9999')
WITH p, c, coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999') AS open
WITH p,
     collect(DISTINCT CASE WHEN open THEN c.code END) AS ccgs,
     collect(DISTINCT CASE WHEN NOT open THEN c.code END) AS closed_ccgs
WHERE size(ccgs) <> 1
RETURN p.code AS org, {ccgs: ccgs, closed_ccgs: closed_ccgs} AS evidence
