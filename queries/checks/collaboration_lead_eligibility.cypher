// Leads that are not parties to their arrangement, are under legal directions, or are
// junior partners in any arrangement.
MATCH (a:Collaboration)-[l:LED_BY]->(lead:CCG)
WHERE coalesce(l.valid_from, '0000') <= $as_at <= coalesce(l.valid_to, '9999')
OPTIONAL MATCH (lead)-[j:PARTY_TO {qualifier: 'junior_partner'}]->(other:Collaboration)
WHERE coalesce(j.valid_from, '0000') <= $as_at <= coalesce(j.valid_to, '9999')
WITH a, lead, other ORDER BY other.code
WITH a, lead, collect(DISTINCT other.code) AS junior_in,
     EXISTS {
       MATCH (lead)-[p:PARTY_TO]->(a)
       WHERE coalesce(p.valid_from, '0000') <= $as_at <= coalesce(p.valid_to, '9999')
     } AS is_party
WITH a, lead, [x IN [
    CASE WHEN NOT is_party THEN 'not a party to the arrangement' END,
    CASE WHEN lead.authorisation_outcome = 'authorised_with_directions' THEN 'under legal directions' END,
    CASE WHEN size(junior_in) > 0
         THEN 'junior partner in ' + reduce(s = head(junior_in), x IN tail(junior_in) | s + ', ' + x) END
  ] WHERE x IS NOT NULL] AS problems
WHERE size(problems) > 0
RETURN a.code AS org, {lead: lead.code, problems: problems} AS evidence
