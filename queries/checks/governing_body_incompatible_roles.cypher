// People holding governing-body roles they cannot hold together or are not qualified for
// (SI 2012/1631 regs 11-12 and Schedule 4): see the NetworkX twin's docstring for each rule.
MATCH (p:Person)-[h:HOLDS_ROLE]->(c:CCG)
WHERE coalesce(h.valid_from, '0000') <= $as_at <= coalesce(h.valid_to, '9999')
  AND coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
WITH c, p, collect(h.qualifier) AS roles,
     head([x IN collect(h) WHERE x.qualifier = 'secondary_care_specialist' | x.valid_from]) AS appointed
// everyone designated chief finance officer on this governing body on the date (reg 11(5): one)
CALL (c) {
  MATCH (q:Person)-[k:HOLDS_ROLE {qualifier: 'chief_finance_officer'}]->(c)
  WHERE coalesce(k.valid_from, '0000') <= $as_at <= coalesce(k.valid_to, '9999')
  RETURN count(DISTINCT q) AS cfos
}
WITH c, p, roles, appointed, cfos,
     [x IN [
       CASE WHEN NOT coalesce(p.specialist_register, false) THEN 'not on the Specialist Register' END,
       CASE WHEN p.consultant_post = false
            THEN 'holds no NHS consultant or armed-forces specialty post' END,
       CASE WHEN coalesce(p.gp_register, false) THEN 'on the GP Register' END
     ] WHERE x IS NOT NULL] AS unmet
// reg 11(6): met now, or at some time in the 10 years ending with the appointment
WITH c, p, roles, cfos, unmet, appointed,
     size(unmet) > 0 AND NOT (p.specialist_until IS NOT NULL AND (appointed IS NULL OR
       p.specialist_until > toString(date(appointed) - duration({years: 10})))) AS specialist_unmet
WITH c, p, [x IN [
    CASE WHEN 'chair' IN roles AND 'lay_member_finance_audit' IN roles
         THEN 'chair is also the finance/audit lay member' END,
    CASE WHEN 'secondary_care_specialist' IN roles AND specialist_unmet
         THEN 'secondary-care specialist does not meet reg 11(6): '
              + reduce(s = head(unmet), u IN tail(unmet) | s + ', ' + u)
              + CASE WHEN p.specialist_until IS NULL THEN ''
                     ELSE '; last met it on ' + p.specialist_until
                          + ', not within the 10 years ending with appointment on ' + appointed END END,
    CASE WHEN 'registered_nurse' IN roles AND NOT coalesce(p.nmc_register, false)
         THEN 'registered nurse is not on the NMC register' END,
    CASE WHEN 'registered_nurse' IN roles AND p.employer IN $reg12_excluded_employers
         THEN 'registered nurse falls within reg 12(1): employed by a ' + p.employer END,
    CASE WHEN 'secondary_care_specialist' IN roles AND p.employer IN $reg12_excluded_employers
         THEN 'secondary care specialist falls within reg 12(1): employed by a ' + p.employer END,
    CASE WHEN 'chief_finance_officer' IN roles AND NOT coalesce(p.accountancy_qualified, false)
         THEN 'chief finance officer is not qualified in accountancy' END,
    CASE WHEN 'chief_finance_officer' IN roles AND NOT coalesce(p.employer, 'none') IN ['none', 'ccg']
         THEN 'chief finance officer is not an employee of the CCG (' + p.employer + ')' END,
    CASE WHEN 'chief_finance_officer' IN roles AND cfos > 1
         THEN 'one of ' + toString(cfos) + ' designated chief finance officers (reg 11(5): one)' END,
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
