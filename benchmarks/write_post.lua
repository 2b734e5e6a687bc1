-- wrk script for benchmarks/speed_bench.sh: each request is a reply (or, one in REPLY_EVERY, a new
-- thread) submitted by one of the logged-in benchmark members, round robin, with that member's
-- session cookie and CSRF token, as a browser's form post. Texts are made unique per request so the
-- duplicate check compares real candidates but does not refuse them.
-- Environment: SESSIONS (file written by write_prep.py), THREADS (highest thread id), CATEGORY (slug),
-- THREAD_EVERY (a new thread every N submits, default 10), PACE_MS (think time per connection, 0 = none).
local sessions = {}
for line in io.lines(os.getenv("SESSIONS")) do
  local cookie, token = line:match("^(%S+)%s+(%S+)$")
  if cookie then sessions[#sessions + 1] = {cookie = cookie, token = token} end
end
local threads_max = tonumber(os.getenv("THREADS") or "100000")
local category = os.getenv("CATEGORY") or "maintenance"
local thread_every = tonumber(os.getenv("THREAD_EVERY") or "10")
local pace = tonumber(os.getenv("PACE_MS") or "0")
local words = {"engine", "oil", "battery", "tyre", "brake", "gearbox", "aircon", "noise", "leak", "service",
  "ยาง", "เบรก", "แอร์", "เกียร์", "น้ำมันเครื่อง", "แบตเตอรี่", "ช่วงล่าง", "เสียงดัง", "ศูนย์บริการ", "ครับ"}
local all_threads = {}
local counter = 0
local thread_id = 0

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function text(n)
  local out = {}
  for i = 1, n do out[i] = words[math.random(#words)] end
  return table.concat(out, " ")
end

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(all_threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tonumber(wrk.thread:get("tid") or 1))
  counter = math.random(1, #sessions)
  statuses = {}
end

function delay()
  if pace > 0 then return math.random(math.floor(pace / 2), pace + math.floor(pace / 2)) end
  return 0
end

function request()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  local new_thread = thread_every > 0 and counter % thread_every == 0
  if new_thread then
    -- round robin over all members for new threads too: taking every tenth member's turn gave all of
    -- them to a tenth of the members, who met the hourly thread limit (429) within one run
    s = sessions[(math.floor(counter / thread_every) % #sessions) + 1]
  end
  local tag = string.format("bench%d-%d", os.time(), math.random(1, 1000000000))
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = s.cookie}
  if new_thread then
    -- The titles come from a small vocabulary, so the duplicate check finds look-alikes: the
    -- poster says how the question differs, as a member would, and the thread is posted.
    local body = "_csrf_token=" .. s.token .. "&title=" .. enc(text(5) .. " " .. tag) ..
      "&body=" .. enc(text(40) .. " " .. tag .. " " .. text(20)) ..
      "&distinct_reason=" .. enc("a different car and symptom " .. tag)
    return wrk.format("POST", "/c/" .. category .. "/new", headers, body)
  end
  local body = "_csrf_token=" .. s.token .. "&body=" .. enc(text(30) .. " " .. tag .. " " .. text(20))
  return wrk.format("POST", "/t/" .. math.random(1, threads_max) .. "/reply", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(all_threads) do
    local st = t:get("statuses")
    if st then for k, v in pairs(st) do counts[k] = (counts[k] or 0) + v end end
  end
  local parts = {}
  for k, v in pairs(counts) do parts[#parts + 1] = k .. ":" .. v end
  io.write(string.format("WRITE posts=%d seconds=%.2f posts/s=%.1f p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms statuses=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, table.concat(parts, ",")))
end
