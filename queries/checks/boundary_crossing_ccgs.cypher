// CCGs overlapping more than one upper-tier authority by at least $tolerance_pct % each.
MATCH (c:CCG)-[o:OVERLAPS]->(la:LocalAuthority)
WHERE NOT c.code IN $exceptions
  AND coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND coalesce(o.valid_from, '0000') <= $as_at <= coalesce(o.valid_to, '9999')
  AND coalesce(o.share, 0.0) >= $tolerance_pct
WITH c, collect({authority: la.code, name: la.name, share: coalesce(o.share, 0.0)}) AS authorities
WHERE size(authorities) > 1
RETURN c.code AS org, {authorities: authorities} AS evidence
