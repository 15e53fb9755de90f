// LSOA groups open on the date in no open CCG's area, or in more than one: see the NetworkX
// twin's docstring.
MATCH (g:LSOAGroup)
WHERE coalesce(g.open_date, '0000') <= $as_at <= coalesce(g.close_date, '9999')
OPTIONAL MATCH (g)-[r:IN_AREA_OF]->(c:CCG)
WHERE coalesce(r.valid_from, '0000') <= $as_at <= coalesce(r.valid_to, '9999')
  AND coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
WITH g, c ORDER BY c.code
WITH g, collect(DISTINCT c.code) AS bodies
WHERE size(bodies) <> 1
RETURN g.code AS org, {lsoas: g.lsoas, bodies: bodies} AS evidence
