// CCGs open on $as_at that are junior partners in a collaboration without an authorisation with
// conditions or directions; no outcome recorded is a data gap.
MATCH (c:CCG)-[p:PARTY_TO]->(x:Collaboration)
WHERE p.qualifier = 'junior_partner'
  AND coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND coalesce(p.valid_from, '0000') <= $as_at <= coalesce(p.valid_to, '9999')
  AND NOT coalesce(c.authorisation_outcome, '') IN ['authorised_with_conditions', 'authorised_with_directions']
WITH c, collect(DISTINCT x.code) AS collaborations
RETURN c.code AS org,
       CASE WHEN c.authorisation_outcome IS NULL THEN {recorded: false}
            ELSE {collaborations: collaborations, outcome: c.authorisation_outcome} END AS evidence
