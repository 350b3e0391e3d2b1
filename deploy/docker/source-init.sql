-- The compose stack's old table: Open edX's courseware_studentmodulehistory, 100,000 rows with
-- gaps in the ids, from MariaDB's sequence engine. widen needs SELECT on it (the image's
-- MARIADB_USER has all privileges on edxapp) and PROCESS, to see open transactions.
CREATE TABLE edxapp.courseware_studentmodulehistory (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `version` varchar(255) DEFAULT NULL,
  `created` datetime NOT NULL,
  `state` longtext,
  `grade` double DEFAULT NULL,
  `max_grade` double DEFAULT NULL,
  `student_module_id` int(11) NOT NULL,
  PRIMARY KEY (`id`), KEY (`version`), KEY (`created`), KEY (`student_module_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO edxapp.courseware_studentmodulehistory
  (id, version, created, state, grade, max_grade, student_module_id)
SELECT seq + (seq DIV 1000) * 250, IF(seq % 10 = 0, NULL, CONCAT('v', seq % 7)),
  TIMESTAMP('2016-01-01') + INTERVAL seq * 7 SECOND,
  CONCAT('{"attempts": ', seq % 5, ', "input_state": {"', MD5(seq), '_2_1": {}}}'),
  IF(seq % 5 = 0, NULL, seq % 4), 4.0, seq DIV 3 + 1
FROM edxapp.seq_1_to_100000;

GRANT PROCESS ON *.* TO 'widen'@'%';
