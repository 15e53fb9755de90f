// Services a neighbour commissions for a CCG that has no authorisation condition declaring it.
MATCH (by)-[k:COMMISSIONS]->(s:ServiceCategory)
WHERE s.code IN $ccg_service_codes
  AND coalesce(k.valid_from, '0000') <= $as_at <= coalesce(k.valid_to, '9999')
  AND k.qualifier <> by.code
MATCH (pop:CCG {code: k.qualifier})
WITH pop, by, substring(s.code, 4) AS service
WHERE NOT EXISTS {
  MATCH (pop)-[:HAS_CONDITION]->(cond:AuthorisationCondition)
  WHERE cond.neighbour_commissions = service
}
RETURN pop.code AS org, {service: service, commissioner: by.code} AS evidence
