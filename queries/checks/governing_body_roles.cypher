// CCGs whose governing body lacks a required role (each of $required is a list of
// alternatives) or has fewer than $min_members members; no members at all is a data gap.
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
OPTIONAL MATCH (p:Person)-[h:HOLDS_ROLE]->(c)
WHERE coalesce(h.valid_from, '0000') <= $as_at <= coalesce(h.valid_to, '9999')
WITH c, collect(h.qualifier) AS roles, count(DISTINCT p) AS members
WITH c, roles, members,
     [g IN $required WHERE none(r IN g WHERE r IN roles)
        | reduce(s = head(g), r IN tail(g) | s + ' or ' + r)] AS missing
WHERE members = 0 OR size(missing) > 0 OR members < $min_members
RETURN c.code AS org,
       CASE WHEN members = 0 THEN {recorded: false}
            ELSE {missing: missing, members: members, min_members: $min_members} END AS evidence
