// People holding governing-body roles they cannot hold together or are not qualified for.
MATCH (p:Person)-[h:HOLDS_ROLE]->(c:CCG)
WHERE coalesce(h.valid_from, '0000') <= $as_at <= coalesce(h.valid_to, '9999')
WITH c, p, collect(h.qualifier) AS roles
WITH c, p, [x IN [
    CASE WHEN 'chair' IN roles AND 'lay_member_finance_audit' IN roles
         THEN 'chair is also the finance/audit lay member' END,
    CASE WHEN 'secondary_care_specialist' IN roles
              AND (coalesce(p.gp_register, false) OR NOT coalesce(p.specialist_register, false))
         THEN 'secondary-care specialist must be on the Specialist Register and not the GP register' END,
    CASE WHEN 'registered_nurse' IN roles AND NOT coalesce(p.nmc_register, false)
         THEN 'registered nurse is not on the NMC register' END,
    CASE WHEN 'chief_finance_officer' IN roles AND NOT coalesce(p.accountancy_qualified, false)
         THEN 'chief finance officer is not qualified in accountancy' END,
    CASE WHEN 'chief_finance_officer' IN roles AND NOT coalesce(p.employer, 'none') IN ['none', 'ccg']
         THEN 'chief finance officer is not an employee of the CCG (' + p.employer + ')' END,
    CASE WHEN any(r IN roles WHERE r IN $lay_roles)
              AND p.employer IN $lay_excluded_employers
         THEN 'lay member employed by an excluded body (' + p.employer + ')' END,
    CASE WHEN any(r IN roles WHERE r IN $lay_roles)
              AND (coalesce(p.gp_register, false) OR coalesce(p.specialist_register, false)
                   OR coalesce(p.nmc_register, false))
         THEN 'lay member is a registered health-care professional' END
  ] WHERE x IS NOT NULL] AS problems
WHERE size(problems) > 0
RETURN c.code AS org, {person: p.code, problems: problems} AS evidence
