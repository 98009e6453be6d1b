-- 对口上级部门: the department of a hall above whose line of business a department carries (a district market
-- regulation bureau → the city's), for cross-tier acceptance (市县联动). Null when none.
ALTER TABLE departments ADD COLUMN upper_department_id text REFERENCES departments (id);
-- Deactivating a department asks which active ones still name it.
CREATE INDEX departments_upper ON departments (upper_department_id) WHERE upper_department_id IS NOT NULL;
