#!/usr/bin/env bash
# Builds the starting corpora under fuzz/corpus/<target>/ (not committed) from the sample
# flows, the validator's fixtures and the small hand-written seeds in fuzz/seeds/.
# Needs jq. Run from anywhere: bash fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")"
root=..

for target in validate expr render; do
    mkdir -p "corpus/$target"
    if [ -d "seeds/$target" ]; then
        cp seeds/"$target"/* "corpus/$target/"
    fi
done

# Whole documents: every sample flow (and its scenarios and mocks, which are JSON too) and
# every validator fixture.
n=0
while IFS= read -r -d '' f; do
    name=$(echo "$f" | tr '/' '_')
    cp "$f" "corpus/validate/$name"
    cp "$f" "corpus/render/$name"
    n=$((n + 1))
done < <(find "$root/sample-flows" "$root/tests/fixtures/valid" "$root/tests/fixtures/invalid" \
    -name '*.json' -print0)

# Expressions: every string of those files that holds a reference or a backtick, and every
# If condition. The first byte of an `expr` input is the salt that picks runtime values.
m=0
while IFS= read -r -d '' f; do
    jq -r '.. | strings | select(test("\\$\\{|^`"))' "$f" 2>/dev/null || true
done < <(find "$root/sample-flows" "$root/tests/fixtures" -name '*.json' -print0) |
    sort -u |
    while IFS= read -r expr; do
        sum=$(printf '%s' "$expr" | sha1sum | cut -c1-16)
        printf 'A%s' "$expr" > "corpus/expr/$sum"
        m=$((m + 1))
    done

echo "seeded: $n documents, $(ls corpus/expr | wc -l) expression inputs"
