// CCGs commissioning what the NHS CB must commission directly.
MATCH (c:CCG)-[k:COMMISSIONS]->(s:ServiceCategory)
WHERE s.code IN $reserved_service_codes
  AND coalesce(k.valid_from, '0000') <= $as_at <= coalesce(k.valid_to, '9999')
  AND coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
RETURN c.code AS org, {service: substring(s.code, 4), population: k.qualifier} AS evidence
