// Integrated care boards whose board lacks a seat NHS Act 2006 Schedule 1B requires (paras 3 and
// 8): see the NetworkX twin's docstring. An ordinary member is anyone not the chair or chief
// executive; a board with no member recorded is a data gap.
MATCH (b:ICB)
WHERE coalesce(b.open_date, '0000') <= $as_at <= coalesce(b.close_date, '9999')
OPTIONAL MATCH (p:Person)-[r:ON_BOARD]->(b)
WHERE coalesce(r.valid_from, '0000') <= $as_at <= coalesce(r.valid_to, '9999')
WITH b, p, collect(r.qualifier) AS seats
WITH b, collect(CASE WHEN p IS NOT NULL THEN seats END) AS people
WITH b, people, reduce(all = [], s IN people | all + s) AS roles
WITH b, people,
     [m IN ['chair', 'chief_executive', 'nominated_by_trusts', 'nominated_by_primary_care',
            'nominated_by_local_authorities'] WHERE NOT m IN roles] AS missing,
     size([s IN people WHERE NOT 'chair' IN s AND NOT 'chief_executive' IN s]) AS ordinary
WHERE size(people) = 0 OR size(missing) > 0 OR ordinary < 3
RETURN b.code AS org,
       CASE WHEN size(people) = 0 THEN {recorded: false}
            ELSE {missing: missing, ordinary_members: ordinary, min_ordinary: 3} END AS evidence
