// Collaborative arrangements with no lead CCG or more than one.
MATCH (a:Collaboration)
OPTIONAL MATCH (a)-[l:LED_BY]->(c:CCG)
WHERE coalesce(l.valid_from, '0000') <= $as_at <= coalesce(l.valid_to, '9999')
WITH a, collect(DISTINCT c.code) AS leads
WHERE size(leads) <> 1
RETURN a.code AS org, {leads: leads} AS evidence
