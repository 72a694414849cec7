-- How many members of each guild's board in each period have each points total, kept by triggers
-- whoever writes `standings`. A board's size and the number of members with more points than a
-- caller become sums over distinct totals (a few thousand at most, whatever the membership) instead
-- of counts over up to every member; only the caller's own tie group is still counted row by row.
CREATE TABLE standings_points (
    guild_id  INTEGER NOT NULL,
    period    TEXT    NOT NULL,
    points    INTEGER NOT NULL,
    members   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, period, points)
) WITHOUT ROWID;

INSERT INTO standings_points (guild_id, period, points, members)
    SELECT guild_id, period, points, COUNT(*) FROM standings GROUP BY guild_id, period, points;

CREATE TRIGGER standings_points_insert AFTER INSERT ON standings
BEGIN
    INSERT INTO standings_points (guild_id, period, points, members)
        VALUES (NEW.guild_id, NEW.period, NEW.points, 1)
        ON CONFLICT (guild_id, period, points) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER standings_points_update AFTER UPDATE OF guild_id, period, points ON standings
    WHEN OLD.guild_id IS NOT NEW.guild_id OR OLD.period IS NOT NEW.period
        OR OLD.points IS NOT NEW.points
BEGIN
    UPDATE standings_points SET members = members - 1
        WHERE guild_id = OLD.guild_id AND period = OLD.period AND points = OLD.points;
    DELETE FROM standings_points
        WHERE guild_id = OLD.guild_id AND period = OLD.period AND points = OLD.points
          AND members <= 0;
    INSERT INTO standings_points (guild_id, period, points, members)
        VALUES (NEW.guild_id, NEW.period, NEW.points, 1)
        ON CONFLICT (guild_id, period, points) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER standings_points_delete AFTER DELETE ON standings
BEGIN
    UPDATE standings_points SET members = members - 1
        WHERE guild_id = OLD.guild_id AND period = OLD.period AND points = OLD.points;
    DELETE FROM standings_points
        WHERE guild_id = OLD.guild_id AND period = OLD.period AND points = OLD.points
          AND members <= 0;
END;
