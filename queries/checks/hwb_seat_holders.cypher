// HWBs open on $as_at with a seat held by the wrong kind of body: CCG seats by CCGs, the
// Healthwatch seat by the local Healthwatch of the board's own authority, the rest by people.
MATCH (h:HWB)
WHERE coalesce(h.open_date, '0000') <= $as_at <= coalesce(h.close_date, '9999')
MATCH (x)-[s:SEAT_ON]->(h)
WHERE coalesce(s.valid_from, '0000') <= $as_at <= coalesce(s.valid_to, '9999')
WITH h, x, s,
     CASE s.qualifier
       WHEN 'ccg' THEN x:CCG
       WHEN 'healthwatch' THEN x:Healthwatch AND (
         NOT EXISTS {  // whose Healthwatch it is, when that is recorded
           MATCH (x)-[f:HEALTHWATCH_FOR]->(:LocalAuthority)
           WHERE coalesce(f.valid_from, '0000') <= $as_at <= coalesce(f.valid_to, '9999')
         }
         OR EXISTS {
           MATCH (x)-[f:HEALTHWATCH_FOR]->(la:LocalAuthority)-[b:HAS_HWB]->(h)
           WHERE coalesce(f.valid_from, '0000') <= $as_at <= coalesce(f.valid_to, '9999')
             AND coalesce(b.valid_from, '0000') <= $as_at <= coalesce(b.valid_to, '9999')
         })
       ELSE x:Person
     END AS right
WHERE NOT right
WITH h, collect({seat: s.qualifier, holder: x.code}) AS wrong
RETURN h.code AS org, {wrong: wrong} AS evidence
