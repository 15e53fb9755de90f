// CCGs not authorised by $deadline; no outcome and no wave recorded is a data gap.
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND coalesce(c.open_date, '0000') <= $deadline
  AND ((c.authorisation_outcome IS NULL AND c.authorisation_wave IS NULL)
       OR c.authorisation_outcome = 'not_authorised'
       OR c.authorisation_date > $deadline)
RETURN c.code AS org,
       CASE WHEN c.authorisation_outcome IS NULL AND c.authorisation_wave IS NULL THEN {recorded: false}
            ELSE {outcome: c.authorisation_outcome, date: c.authorisation_date} END AS evidence
