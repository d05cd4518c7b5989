# Directories of many entries made, renamed within and across, removed,
# listed and searched: the runtime indexes a large directory by a hash of
# its names (zrt/fs/dir.c), rebuilt as it grows past 16, 128, 256, 512.
import hashlib
import os
import shutil
import tempfile

base = tempfile.mkdtemp()
big, other = os.path.join(base, "big"), os.path.join(base, "other")
os.mkdir(big)
os.mkdir(other)
for i in range(700):
    open(os.path.join(big, "f%d" % i), "w").close()
for i in range(0, 700, 3):
    os.rename(os.path.join(big, "f%d" % i), os.path.join(other, "g%d" % i))
for i in range(1, 700, 5):
    try:
        os.remove(os.path.join(big, "f%d" % i))
    except FileNotFoundError:
        print("already gone: f%d" % i)
for i in range(0, 700, 7):
    name = os.path.join(big, "f%d" % i)
    if os.path.exists(name):
        os.rename(name, os.path.join(big, "h%d" % i))


def digest(d):
    return hashlib.sha256("\n".join(sorted(os.listdir(d))).encode()).hexdigest()[:16]


print(len(os.listdir(big)), len(os.listdir(other)), digest(big), digest(other))
probe = ["f2", "f4", "f5", "f6", "f7", "h7", "h14", "f697", "f699", "g0", "g3", "g696", "g698"]
print([n for n in probe if os.path.exists(os.path.join(big, n))])
print([n for n in probe if os.path.exists(os.path.join(other, n))])
for n in sorted(os.listdir(other)):
    os.remove(os.path.join(other, n))
print(os.listdir(other), os.path.exists(os.path.join(other, "g3")))
shutil.rmtree(base)
print(os.path.exists(base))
