-- Compare-and-expire: only the holder of ARGV[1] may renew KEYS[1] for ARGV[2] ms.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
