-- Every administrative area code of Indonesia: provinces, regencies, districts, villages.
CREATE TABLE areas (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent TEXT REFERENCES areas (code)
);
CREATE INDEX areas_parent ON areas (parent, name);

-- Days on which the offices are closed besides weekends: national holidays and collective leave.
CREATE TABLE holidays (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama', 'lokal')),
    name TEXT NOT NULL
);
