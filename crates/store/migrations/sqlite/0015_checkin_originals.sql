-- Check-in photos are stamped with who, where and when; the untouched photos WeCom gave
-- are kept beside them as evidence. `photos` lists the keys to show, `originals` the
-- untouched ones in the same order. Kept identical for both backends.
ALTER TABLE task_checkins ADD COLUMN originals TEXT NOT NULL DEFAULT '[]';

-- Earlier check-ins were never stamped: what they show is the original.
UPDATE task_checkins SET originals = photos;
