-- wrk script of scripts/bench_http.py: counts the responses of a run by their X-Cache header
-- (HIT: served from the page cache; MISS: rendered by the worker that answered; STALE: the
-- previous copy, served while one worker renders the page again; none: no header, the page cache
-- off or a page it never keeps). Each thread counts in its own Lua state; done() adds them up
-- and prints one line, which bench_http.py reads after wrk's own report.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   hit, miss, stale, other, none = 0, 0, 0, 0, 0
end

function response(status, headers, body)
   local outcome = headers["X-Cache"] or headers["x-cache"]
   if outcome == nil then
      none = none + 1
   elseif outcome == "HIT" then
      hit = hit + 1
   elseif outcome == "MISS" then
      miss = miss + 1
   elseif outcome == "STALE" then
      stale = stale + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local total = {hit = 0, miss = 0, stale = 0, other = 0, none = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(total) do
         total[name] = total[name] + (thread:get(name) or 0)
      end
   end
   io.write(string.format("X-Cache: HIT %d, MISS %d, STALE %d, other %d, none %d\n",
      total.hit, total.miss, total.stale, total.other, total.none))
end
