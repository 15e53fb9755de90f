// Practices open on $as_at that are members of no CCG, or of more than one.
MATCH (p:Practice)
WHERE coalesce(p.open_date, '0000') <= $as_at <= coalesce(p.close_date, '9999')
OPTIONAL MATCH (p)-[m:MEMBER_OF]->(c:CCG)
WHERE coalesce(m.valid_from, '0000') <= $as_at <= coalesce(m.valid_to, '9999')
WITH p, collect(DISTINCT c.code) AS ccgs
WHERE size(ccgs) <> 1
RETURN p.code AS org, {ccgs: ccgs} AS evidence
