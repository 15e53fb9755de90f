// CCGs open on $as_at under legal directions supported by anyone but the NHS CB (its area teams
// and regions) or a neighbouring CCG (one overlapping a same upper-tier authority on the date);
// no support recorded at all is a data gap.
MATCH (c:CCG {authorisation_outcome: 'authorised_with_directions'})
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
OPTIONAL MATCH (c)-[s:INTENSIVE_SUPPORT_FROM]->(x)
WHERE coalesce(s.valid_from, '0000') <= $as_at <= coalesce(s.valid_to, '9999')
WITH c, collect(DISTINCT x) AS supporters
WITH c, supporters, [x IN supporters WHERE NOT (
       x:NHSCB OR x:AreaTeam OR x:Region OR (x:CCG AND EXISTS {
         MATCH (c)-[o:OVERLAPS]->(la:LocalAuthority)<-[p:OVERLAPS]-(x)
         WHERE coalesce(o.valid_from, '0000') <= $as_at <= coalesce(o.valid_to, '9999')
           AND coalesce(p.valid_from, '0000') <= $as_at <= coalesce(p.valid_to, '9999')
       })
     )] AS ineligible
WHERE size(supporters) = 0 OR size(ineligible) > 0
RETURN c.code AS org,
       CASE WHEN size(supporters) = 0 THEN {recorded: false}
            ELSE {supporters: [x IN supporters | x.code], ineligible: [x IN ineligible | x.code]} END AS evidence
