# The standard library's ordinary use, over a CSV file named on the command
# line: run natively and in the sandbox by tests/func/dynamic.sh, outputs
# compared.
import collections, csv, datetime, decimal, hashlib, itertools, json, re
import sqlite3, statistics, struct, sys, unicodedata, zlib

rows = list(csv.DictReader(open(sys.argv[1], newline="")))
temps = collections.defaultdict(list)
for r in rows:
    temps[r["city"]].append(decimal.Decimal(r["temp"]))
print(json.dumps({c: str(sum(v) / len(v)) for c, v in sorted(temps.items())}, sort_keys=True))
print(statistics.mean(float(r["temp"]) for r in rows), statistics.median([1, 3, 5, 7]))
print(re.findall(r"[A-Z]\w+", "Oslo and Lima, not cairo"))
print(hashlib.sha256(b"zerovm").hexdigest(), hashlib.md5(b"x").hexdigest())
db = sqlite3.connect(":memory:")
db.execute("create table t (city, temp real)")
db.executemany("insert into t values (?, ?)", [(r["city"], float(r["temp"])) for r in rows])
print(db.execute("select city, count(*), max(temp) from t group by city order by city").fetchall())
print(datetime.date(2024, 2, 28) + datetime.timedelta(days=2), datetime.datetime(2000, 1, 1).isoformat())
blob = zlib.compress(b"abc" * 1000)
print(len(blob), zlib.crc32(blob), len(zlib.decompress(blob)))
print(struct.pack("<IhQ", 1, -2, 3).hex(), struct.unpack(">d", struct.pack(">d", 1.5)))
print(list(itertools.islice(itertools.permutations("abc"), 4)), collections.Counter("mississippi").most_common(2))
print(decimal.Decimal(1) / decimal.Decimal(7), "straße".upper(), unicodedata.name("é"), "ǅ".lower(), len("😀"))
