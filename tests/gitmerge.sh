#!/bin/sh
# gitmerge.sh: agentdiff as git's merge driver, in real repositories.
#
# Each case builds a repository in a temporary folder: a base commit, a
# branch "theirs" with one change, main with another, then a real
# `git merge theirs` with `merge.agentdiff.driver` set to the freshly built
# binary for agents/*.md.  Cases where plain `git merge-file` conflicts and
# we must not (both sides add different tools; one side moves a section
# the other edits), and cases where we must conflict (the same line edited
# differently; a section deleted on one side and edited on the other).
# For the first kind, the script also checks that `git merge-file` really
# conflicts on the same three files, so the case keeps proving something.
#
# No configuration of the user leaks in: HOME is the temporary folder,
# GIT_CONFIG_NOSYSTEM is set, and identity and settings are per repository.
#
# Environment: AD_BUILDDIR (set by `make check`); AD_KEEP_WORK=1 keeps the
# temporary folder.  Exit status: 0 all passed, 1 a failure, 77 skipped
# (no git, or no binary when run by hand).

set -u

name=gitmerge
# shellcheck source=tests/gitlib.sh
. "$(dirname "$0")/gitlib.sh"
unset GIT_MERGE_AUTOEDIT GIT_EDITOR 2>/dev/null || :

# new_repo: a repository in $repo with the driver configured.
new_repo() {
	repo=$work/$case_name
	mkdir -p "$repo/agents" && cd "$repo" || exit 1
	git_init
	git config core.autocrlf false
	git config merge.agentdiff.name "agentdiff section-level merge"
	git config merge.agentdiff.driver "'$ad' merge-driver %O %A %B %L %P"
	printf 'agents/*.md merge=agentdiff\n' >.gitattributes
}

commit() {
	git add -A && git commit -q -m "$1" || fail "cannot commit: $1"
}

# scenario [ATTRIBUTES]: base, ours (main) and theirs (branch "theirs") of
# agents/a.md from files $case_dir/{base,ours,theirs}.md, with ATTRIBUTES as
# the .gitattributes line if given; runs `git merge theirs`; leaves its
# status in $merge_status and output in $work/$case_name.out.
scenario() {
	new_repo
	[ $# -eq 0 ] || printf '%s\n' "$1" >.gitattributes
	cp "$case_dir/base.md" agents/a.md && commit base
	git checkout -q -b theirs
	cp "$case_dir/theirs.md" agents/a.md && commit theirs
	git checkout -q main
	cp "$case_dir/ours.md" agents/a.md && commit ours
	git merge --no-edit theirs >"$work/$case_name.out" 2>&1
	merge_status=$?
}

# git merge-file on the same inputs: must it conflict?
git_merge_file_conflicts() {
	cp "$case_dir/ours.md" "$work/gmf.md"
	! git merge-file -q "$work/gmf.md" "$case_dir/base.md" "$case_dir/theirs.md"
}

expect_line() {
	grep -Fqx -- "$1" agents/a.md || fail "the merged file has no line '$1'"
}

expect_no_markers() {
	if grep -Eq '^(<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\|)' agents/a.md; then
		fail "the merged file has conflict markers"
	fi
}

finish() {
	if [ "$case_ok" = 1 ]; then
		echo "PASS $case_name"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		sed 's/^/  | /' "$work/$case_name.out"
		[ -f "$repo/agents/a.md" ] && sed 's/^/  a.md | /' "$repo/agents/a.md"
	fi
	cd "$work" || exit 1
}

start() {
	case_name=$1
	case_ok=1
	case_dir=$work/inputs-$1
	mkdir -p "$case_dir"
}

# ---------------------------------------------------------------- inputs

write_base() {
	cat >"$case_dir/base.md" <<'EOF'
---
name: triage
description: Sorts new issues into bugs, questions and feature requests.
tools:
  - Read
  - Grep
model: sonnet
---

# Role

You triage the issue tracker of a small library.

## Labels

- bug: the library does something its documentation says it should not.
- question: the reporter needs help, not a change.

## Steps

1. Read the issue and any linked code.
2. Search for duplicates.
3. Apply one label.

## Rules

- Never close an issue yourself.
- Ask for a minimal reproduction.
EOF
}

# ---------------------------------------------------------------- cases

# 1. Both sides add a different tool.
start tools-both-added
write_base
awk '{ print } /^  - Grep$/ { print "  - WebFetch" }' "$case_dir/base.md" >"$case_dir/ours.md"
awk '{ print } /^  - Grep$/ { print "  - Bash" }' "$case_dir/base.md" >"$case_dir/theirs.md"
git_merge_file_conflicts || fail "git merge-file does not conflict: the case proves nothing"
scenario
[ "$merge_status" -eq 0 ] || fail "git merge exited with $merge_status"
expect_no_markers
expect_line "  - WebFetch"
expect_line "  - Bash"
expect_line "  - Read"
[ -z "$(git status --porcelain)" ] || fail "the work tree is not clean after the merge"
git log -1 --format=%P | grep -q ' ' || fail "no merge commit was made"
finish

# 2. Ours moves Rules to the top of the body; theirs edits it.
start move-and-edit
write_base
awk '
	/^## Rules$/ { inrules = 1 }
	inrules { rules = rules $0 "\n"; next }
	{ body = body $0 "\n" }
	END {
		sub(/\n## Labels\n/, "\n" rules "\n## Labels\n", body)
		printf "%s", body
	}' "$case_dir/base.md" >"$case_dir/ours.md"
sed 's/^- Never close an issue yourself\.$/- Never close or lock an issue yourself./' \
	"$case_dir/base.md" >"$case_dir/theirs.md"
grep -q '^## Rules' "$case_dir/ours.md" && ! cmp -s "$case_dir/ours.md" "$case_dir/base.md" ||
	fail "could not build ours"
git_merge_file_conflicts || fail "git merge-file does not conflict: the case proves nothing"
scenario
[ "$merge_status" -eq 0 ] || fail "git merge exited with $merge_status"
expect_no_markers
expect_line "- Never close or lock an issue yourself."
rules=$(grep -n '^## Rules$' agents/a.md | head -n 1 | cut -d: -f1)
labels=$(grep -n '^## Labels$' agents/a.md | head -n 1 | cut -d: -f1)
[ -n "$rules" ] && [ -n "$labels" ] && [ "$rules" -lt "$labels" ] ||
	fail "Rules is not where ours moved it"
[ "$(grep -c '^## Rules$' agents/a.md)" -eq 1 ] || fail "Rules is not there exactly once"
[ -z "$(git status --porcelain)" ] || fail "the work tree is not clean after the merge"
finish

# 3. The same line edited differently: a conflict with markers.
start same-line
write_base
sed 's/^2\. Search for duplicates\.$/2. Search open and closed issues for duplicates./' \
	"$case_dir/base.md" >"$case_dir/ours.md"
sed 's/^2\. Search for duplicates\.$/2. Search for duplicates by error message./' \
	"$case_dir/base.md" >"$case_dir/theirs.md"
scenario
[ "$merge_status" -ne 0 ] || fail "git merge succeeded"
grep -q 'CONFLICT (content): Merge conflict in agents/a.md' "$work/$case_name.out" ||
	fail "git does not report the conflict"
expect_line "<<<<<<< ours:agents/a.md"
expect_line "2. Search open and closed issues for duplicates."
expect_line "||||||| base:agents/a.md"
expect_line "2. Search for duplicates."
expect_line "======="
expect_line "2. Search for duplicates by error message."
expect_line ">>>>>>> theirs:agents/a.md"
[ "$(grep -c '^<<<<<<< ' agents/a.md)" -eq 1 ] || fail "not exactly one conflict"
git status --porcelain | grep -q '^UU agents/a.md$' || fail "git does not list a.md as unmerged"
finish

# 4. The same, with a conflict marker size from .gitattributes (%L).
start marker-size
write_base
cp "$work/inputs-same-line/ours.md" "$work/inputs-same-line/theirs.md" "$case_dir/"
scenario 'agents/*.md merge=agentdiff conflict-marker-size=12'
[ "$merge_status" -ne 0 ] || fail "git merge succeeded"
expect_line "<<<<<<<<<<<< ours:agents/a.md"
expect_line "============"
expect_line ">>>>>>>>>>>> theirs:agents/a.md"
finish

# 5. A section deleted on one side and edited on the other.
start delete-modify
write_base
awk '/^## Labels$/ { skip = 1; next } /^## / { skip = 0 } !skip' \
	"$case_dir/base.md" >"$case_dir/ours.md"
sed 's/^- question: the reporter needs help, not a change\.$/- question: the reporter needs an answer./' \
	"$case_dir/base.md" >"$case_dir/theirs.md"
grep -q '^## Labels' "$case_dir/ours.md" && fail "could not build ours"
scenario
[ "$merge_status" -ne 0 ] || fail "git merge succeeded"
grep -q 'CONFLICT' "$work/$case_name.out" || fail "git does not report the conflict"
expect_line "<<<<<<< ours:agents/a.md"
expect_line "- question: the reporter needs an answer."
expect_line ">>>>>>> theirs:agents/a.md"
git status --porcelain | grep -q '^UU agents/a.md$' || fail "git does not list a.md as unmerged"
finish

# 6. Independent changes that git merges too: the same result as git.
start like-git
write_base
sed 's/^model: sonnet$/model: opus/' "$case_dir/base.md" >"$case_dir/ours.md"
sed 's/^- Ask for a minimal reproduction\.$/- Ask for a minimal reproduction, politely./' \
	"$case_dir/base.md" >"$case_dir/theirs.md"
scenario
[ "$merge_status" -eq 0 ] || fail "git merge exited with $merge_status"
cp "$case_dir/ours.md" "$work/gmf.md"
git merge-file -q "$work/gmf.md" "$case_dir/base.md" "$case_dir/theirs.md" ||
	fail "git merge-file conflicts"
cmp -s "$work/gmf.md" agents/a.md || fail "not the result git merge-file gives"
finish

# 7. A conflict marker size above any old limit (git takes any positive
# number): the markers have that length and the file stays unmerged.
start marker-size-2000
write_base
cp "$work/inputs-same-line/ours.md" "$work/inputs-same-line/theirs.md" "$case_dir/"
scenario 'agents/*.md merge=agentdiff conflict-marker-size=2000'
[ "$merge_status" -ne 0 ] || fail "git merge succeeded"
lt=$(awk 'BEGIN { while (length(s) < 2000) s = s "<"; print s " ours:agents/a.md" }')
eq=$(awk 'BEGIN { while (length(s) < 2000) s = s "="; print s }')
gt=$(awk 'BEGIN { while (length(s) < 2000) s = s ">"; print s " theirs:agents/a.md" }')
for marker in "$lt" "$eq" "$gt"; do
	grep -Fqx -- "$marker" agents/a.md ||
		fail "the merged file has no 2000-long '$(printf '%.3s' "$marker")...' marker line"
done
expect_line "2. Search open and closed issues for duplicates."
expect_line "2. Search for duplicates by error message."
git status --porcelain | grep -q '^UU agents/a.md$' || fail "git does not list a.md as unmerged"
finish

# 8. The section merge fails inside the driver (AD_FAULT_INJECT=merge makes
# it): the file holds what git merge-file makes of it, conflict markers and
# all, and stays unmerged.  Both sides add a tool, which the section merge
# would have merged cleanly: the line merge conflicts, as git's does.
start fallback-lines
write_base
cp "$work/inputs-tools-both-added/ours.md" "$work/inputs-tools-both-added/theirs.md" "$case_dir/"
AD_FAULT_INJECT=merge
export AD_FAULT_INJECT
scenario
unset AD_FAULT_INJECT
[ "$merge_status" -ne 0 ] || fail "git merge succeeded"
grep -q 'cannot merge section by section' "$work/$case_name.out" ||
	fail "the driver does not say that it merged as lines"
git merge-file -p --diff3 -L ours:agents/a.md -L base:agents/a.md -L theirs:agents/a.md \
	"$case_dir/ours.md" "$case_dir/base.md" "$case_dir/theirs.md" >"$work/gmf.md"
cmp -s "$work/gmf.md" agents/a.md || fail "not the result git merge-file gives"
expect_line "  - WebFetch"
expect_line "  - Bash"
git status --porcelain | grep -q '^UU agents/a.md$' || fail "git does not list a.md as unmerged"
finish

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
