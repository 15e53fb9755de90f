// Upper-tier authorities without exactly one board in force; no board anywhere is a data gap.
OPTIONAL MATCH (any:HWB)
WITH count(any) > 0 AS recorded
MATCH (la:LocalAuthority)
WHERE coalesce(la.open_date, '0000') <= $as_at <= coalesce(la.close_date, '9999')
OPTIONAL MATCH (la)-[h:HAS_HWB]->(b:HWB)
WHERE coalesce(h.valid_from, '0000') <= $as_at <= coalesce(h.valid_to, '9999')
WITH recorded, la, collect(b.code) AS hwbs
WHERE size(hwbs) <> 1
RETURN la.code AS org, CASE WHEN recorded THEN {hwbs: hwbs} ELSE {recorded: false} END AS evidence
