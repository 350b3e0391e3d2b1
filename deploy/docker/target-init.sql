-- The compose stack's target server: the new table's database exists (MARIADB_DATABASE; the
-- coordinator creates the table with --create-target) and widen's ledger schema too.
CREATE DATABASE IF NOT EXISTS widen;
GRANT ALL PRIVILEGES ON widen.* TO 'widen'@'%';
