# books.py TEXT... - a short analysis of the bundled texts (make demo, act 4;
# docs/python.md): for each, its words, sentences and the words that mark it
# against the others. Debian's python3.11, unmodified, from
# build/images/python3.tar.
import collections, os, re, statistics, sys

books = {}
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    sentences = [s for s in re.split(r"[.!?]+\s", text) if s.strip()]
    words = re.findall(r"[a-z']+", text.lower())
    books[os.path.basename(path).removesuffix(".txt")] = (words, sentences)
every = collections.Counter(w for words, _ in books.values() for w in words)
total = sum(every.values())
print(f"{'text':24} {'words':>6} {'distinct':>8} {'words/sentence':>14}  marked by")
for name, (words, sentences) in sorted(books.items()):
    c = collections.Counter(words)
    lift = {w: c[w] / len(words) * total / every[w] for w in c if c[w] >= 3 and len(w) > 3}
    marked = sorted(lift, key=lambda w: (-lift[w], w))[:4]
    per = statistics.mean(len(s.split()) for s in sentences)
    print(f"{name:24} {len(words):6d} {len(c):8d} {per:14.1f}  {', '.join(marked)}")
