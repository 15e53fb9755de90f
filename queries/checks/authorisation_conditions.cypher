// Conditions without an owner or an end date (advice); conditional outcomes with no condition
// recorded (a data gap).
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
OPTIONAL MATCH (c)-[:HAS_CONDITION]->(cond:AuthorisationCondition)
WITH c, cond,
     [x IN [
       CASE WHEN cond IS NOT NULL AND NOT EXISTS { MATCH (cond)-[:CONDITION_OWNER]->() } THEN 'owner' END,
       CASE WHEN cond IS NOT NULL AND cond.expires IS NULL THEN 'expiry' END
     ] WHERE x IS NOT NULL] AS missing
WITH c, collect(CASE WHEN size(missing) > 0 THEN {condition: cond.code, missing: missing} END) AS incomplete,
     count(cond) AS conditions
WITH c, incomplete + CASE
       WHEN conditions = 0 AND c.authorisation_outcome IN ['authorised_with_conditions', 'authorised_with_directions']
       THEN [{recorded: false}] ELSE [] END AS evidences
UNWIND evidences AS evidence
RETURN c.code AS org, evidence
