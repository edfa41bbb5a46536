#!/bin/sh
# gitcli.sh: git as a source of variants, and curated merges, from the
# command line, in real repositories.
#
#   - agentdiff diff HEAD~1:agents/x.md agents/x.md (labels, --json paths,
#     ./ paths, errors);
#   - agentdiff diff --history agents/x.md [-n N];
#   - agentdiff plan + apply: take-all reproduces the first variant, an
#     edited plan mixes variants, apply re-applied after upstream changes,
#     sections that are gone (exit 1, nothing written), refusing to overwrite
#     a file the plan did not write;
#   - apply --commit: trailers, `git status` clean for the file and every
#     other staged, unstaged and untracked change left exactly as it was;
#     an unborn branch and a detached HEAD; refusals (mid-merge, index.lock,
#     outside the work tree, a variant from outside the repository) that
#     write nothing.
#
# No configuration of the user leaks in: HOME is the temporary folder,
# GIT_CONFIG_NOSYSTEM is set, identity is per repository.
#
# Environment: AD_SRCDIR, AD_BUILDDIR (set by `make check`); AD_KEEP_WORK=1
# keeps the temporary folder.  Exit status: 0 all passed, 1 a failure, 77
# skipped (no git, or no binary when run by hand).

set -u

name=gitcli
# shellcheck source=tests/gitlib.sh
. "$(dirname "$0")/gitlib.sh"
NO_COLOR=1
export NO_COLOR

ex=$srcdir/examples/release-manager

start() {
	case_name=$1
	case_ok=1
	cd "$work" || exit 1
}

finish() {
	if [ "$case_ok" = 1 ]; then
		echo "PASS $case_name"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# run ARGS...: agentdiff ARGS with stdout in $out, stderr in $err, status
# in $status.
run() {
	"$ad" "$@" >"$work/out" 2>"$work/err" </dev/null
	status=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}

expect_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1 (stderr: $err)"
}

expect_out() {
	case $out in
	*"$1"*) ;;
	*) fail "stdout lacks '$1'; it is:
$out" ;;
	esac
}

expect_err() {
	case $err in
	*"$1"*) ;;
	*) fail "stderr lacks '$1'; it is:
$err" ;;
	esac
}

# new_repo NAME: a repository with agents/x.md committed three times
# (release-manager v1, v2, v2 plus a line), and a commit in between that
# does not touch it.
new_repo() {
	repo=$work/$1
	mkdir -p "$repo/agents" "$repo/docs" && cd "$repo" || exit 1
	git_init
	cp "$ex/v1.md" agents/x.md
	git add -A && git commit -q -m "x: first"
	cp "$ex/v2.md" agents/x.md
	git commit -q -a -m "x: second"
	echo "notes" >docs/notes.md
	git add -A && git commit -q -m "docs only"
	printf '\nOne more line.\n' >>agents/x.md
	git commit -q -a -m "x: third"
}

# ---------------------------------------------------------------- diff

start diff-revpath
new_repo r1
run diff HEAD~1:agents/x.md agents/x.md
expect_status 1
expect_out "--- HEAD~1:x.md"
expect_out "+++ x.md"
expect_out "One more line."
run diff --json HEAD~3:agents/x.md HEAD:agents/x.md
expect_status 1
expect_out '"path": "HEAD~3:agents/x.md"'
expect_out '"path": "HEAD:agents/x.md"'
cd agents
run diff --stat HEAD~3:./x.md main:./x.md
expect_status 1
expect_out "--- HEAD~3:x.md"
expect_out "+++ main:x.md"
run diff HEAD:agents/x.md x.md
expect_status 0
run diff HEAD:x.md x.md
expect_status 2
expect_err "'x.md' is not in HEAD (paths are from the repository's root"
run diff nosuch:x.md x.md
expect_status 2
expect_err "nosuch:x.md: no such file, and 'nosuch' is not a revision"
cd "$work"
run diff HEAD:x.md "$repo/agents/x.md"
expect_status 2
expect_err "no git repository here"
finish

start diff-history
cd "$work/r1"
run diff --history agents/x.md
expect_status 1
expect_out "history of agents/x.md, oldest first:"
expect_out "x: first"
expect_out "x: third"
# Three revisions: the alignment table, with a column per revision.
n=$(printf '%s\n' "$out" | grep -c '^  [0-9a-f]\{7,\}  [0-9-]\{10\}  x: ')
[ "$n" -eq 3 ] || fail "the legend lists $n revisions, not 3"
expect_out "status "
run diff --history agents/x.md -n 2
expect_status 1
n=$(printf '%s\n' "$out" | grep -c '^  [0-9a-f]\{7,\}  [0-9-]\{10\}  x: ')
[ "$n" -eq 2 ] || fail "-n 2 lists $n revisions"
expect_out "x: second"
case $out in *"x: first"*) fail "-n 2 shows the oldest revision" ;; esac
case $out in *"status "*) fail "two revisions printed a table" ;; esac
# The working copy after the history.
printf 'Uncommitted.\n' >>agents/x.md
run diff --stat --history agents/x.md -n 1 agents/x.md
expect_status 1
expect_out "+++ x.md"
git checkout -q agents/x.md
run diff --history docs/notes.md
expect_status 2
expect_err "only one revision of docs/notes.md"
run diff --history agents/x.md -n 0
expect_status 2
finish

# ---------------------------------------------------------------- plan, apply

start plan-apply
cd "$work/r1"
# A plan's files lie in its repository (see the apply-outside case).
mkdir -p vendor && cp "$ex/minimal.md" vendor/minimal.md
run plan -o merge.plan --output agents/merged.md agents/x.md HEAD~3:agents/x.md vendor/minimal.md
expect_status 0
# HEAD~3 moves with the next commit: the plan pins it.
grep -q "^variant 2 \"$(git rev-parse HEAD~3):agents/x.md\" blob [0-9a-f]\{40\}\$" merge.plan ||
	fail "variant 2 is not recorded as COMMIT:PATH with its blob"
grep -q '^output "agents/merged.md"$' merge.plan || fail "no output line"
run apply merge.plan
expect_status 0
cmp -s agents/merged.md agents/x.md || fail "the take-all plan does not reproduce variant 1"
grep -q '^output "agents/merged.md" blob [0-9a-f]\{40\}$' merge.plan ||
	fail "apply did not record what it wrote"
# Take the versioning rules from the old revision instead.
grep -q '# or: take "Versioning" from 2' merge.plan || fail "no alternative offered"
sed -e 's/^\( *\)take "Version Numbers" from 1.*/\1take "Versioning" from 2/' merge.plan >p.tmp &&
	mv p.tmp merge.plan
run apply merge.plan
expect_status 0
grep -q '^## Versioning' agents/merged.md || fail "the section from variant 2 is not there"
grep -q '^## Version Numbers' agents/merged.md && fail "the replaced section is still there"
# From another folder: paths in the plan are the plan's.
cd "$work"
run apply -o - r1/merge.plan
expect_status 0
expect_out "## Versioning"
# A file the plan did not write is not overwritten...
cd "$work/r1"
echo "mine" >docs/mine.md
run apply -o docs/mine.md merge.plan
expect_status 2
expect_err "docs/mine.md exists and is not what this plan last wrote there"
[ "$(cat docs/mine.md)" = mine ] || fail "docs/mine.md was overwritten"
run apply -o docs/mine.md --force merge.plan
expect_status 0
# ...nor one changed since the plan wrote it.
echo "hand edit" >>agents/merged.md
run apply merge.plan
expect_status 2
expect_err "agents/merged.md exists and is not what this plan last wrote there"
git checkout -q -- . 2>/dev/null
rm -f docs/mine.md
run apply --force merge.plan
expect_status 0
finish

start apply-upstream-changed
cd "$work/r1"
# Variant 1 changes: a section renamed with its words kept, another gone.
sed -e 's/^## Rules$/## Ground Rules/' -e '/^## Hotfixes$/,$d' agents/x.md >x.tmp && mv x.tmp agents/x.md
printf '## Rollback\n\nRevert the tag first.\n' >>agents/x.md
run apply merge.plan
expect_status 1
expect_err "variant 1 (agents/x.md) changed since the plan was made"
expect_err '"Rollback" (variant 1, line'
expect_err "is in no line of the plan; left out"
expect_err 'merge.plan:'
expect_err 'take "Hotfixes" from 1: variant 1 has no such section'
expect_err "nothing written"
grep -q '^## Hotfixes' agents/merged.md || fail "agents/merged.md was written"
run apply --force merge.plan
expect_status 1
grep -q '^## Ground Rules' agents/merged.md || fail "the renamed section was not found"
grep -q '^## Hotfixes' agents/merged.md && fail "a missing section was written"
git checkout -q agents/x.md
finish

# ---------------------------------------------------------------- commit

# The status of everything but agents/merged.md.
others() {
	git status --porcelain --untracked-files=all | grep -v ' agents/merged.md$' | grep -v ' merge.plan$'
}

start apply-commit
cd "$work/r1"
git add merge.plan agents/merged.md && git commit -q -m "plan" 
# Work in progress the commit must leave alone.
echo "staged" >docs/staged.md && git add docs/staged.md
echo "edited, unstaged" >>docs/notes.md
echo "staged then edited" >docs/both.md && git add docs/both.md && echo more >>docs/both.md
echo "untracked" >docs/untracked.md
before=$(others)
head_before=$(git rev-parse HEAD)
sed -e 's/^\( *\)take "Release Notes" from 1.*/\1take "Release Notes" from 2/' merge.plan >p.tmp &&
	mv p.tmp merge.plan
run apply --commit -m "Curate the release manager" merge.plan
expect_status 0
expect_err "committed"
[ "$(git rev-parse HEAD~1)" = "$head_before" ] || fail "the commit is not on top of HEAD"
[ -z "$(git status --porcelain -- agents/merged.md)" ] || fail "agents/merged.md is not clean"
[ "$(others)" = "$before" ] || fail "other changes were touched: $(others)"
[ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = agents/merged.md ] ||
	fail "the commit holds more than agents/merged.md"
msg=$(git log -1 --format=%B)
case $msg in "Curate the release manager"*) ;; *) fail "message: $msg" ;; esac
case $msg in *"Section-Source: Release Notes <- agents/x.md@"*) ;; *) fail "no trailer for Release Notes from HEAD~3: $msg" ;; esac
git log -1 --format=%B | git interpret-trailers --parse | grep -q '^Section-Source: Rules <- agents/x.md (blob [0-9a-f]\{7\})$' ||
	fail "git does not read the trailers"
[ "$(git log -1 --format=%an)" = "Agent Diff Test" ] || fail "author is not from the config"
# Nothing new: nothing to commit.
run apply --commit merge.plan
expect_status 0
expect_err "nothing to commit"
finish

start apply-commit-unborn-detached
mkdir -p "$work/fresh" && cd "$work/fresh" || exit 1
git_init trunk
cp "$ex/v1.md" a.md && cp "$ex/v2.md" b.md
run plan -o m.plan --output merged.md a.md b.md
run apply --commit m.plan
expect_status 0
expect_err "on trunk (its first commit)"
[ "$(git rev-list --count trunk)" = 1 ] || fail "not one commit on trunk"
[ "$(git log -1 --format=%s)" = "Apply merge plan m.plan" ] || fail "default message: $(git log -1 --format=%s)"
git add a.md b.md m.plan && git commit -q -m inputs
git checkout -q --detach
trunk=$(git rev-parse trunk)
sed -e 's/^\( *\)take "Versioning" from 1.*/\1take "Version Numbers" from 2/' m.plan >p.tmp && mv p.tmp m.plan
run apply --commit -m detached m.plan
expect_status 0
expect_err "on a detached HEAD"
[ "$(git rev-parse trunk)" = "$trunk" ] || fail "trunk moved"
[ "$(git rev-parse HEAD~1)" = "$trunk" ] || fail "HEAD did not move on from trunk"
finish

start apply-commit-refusals
cd "$work/r1"
before=$(cat agents/merged.md)
sed -e 's/^\( *\)take "Release Notes" from 2.*/\1take "Release Notes" from 1/' merge.plan >p.tmp &&
	mv p.tmp merge.plan
git rev-parse HEAD >.git/MERGE_HEAD
run apply --commit merge.plan
expect_status 2
expect_err "in the middle of a merge"
expect_err "nothing written"
rm .git/MERGE_HEAD
[ "$(cat agents/merged.md)" = "$before" ] || fail "written despite the refusal"
: >.git/index.lock
run apply --commit merge.plan
expect_status 2
expect_err "the index is locked"
[ -f .git/index.lock ] || fail "index.lock was removed"
rm .git/index.lock
[ "$(cat agents/merged.md)" = "$before" ] || fail "written despite the refusal"
run apply --commit -o "$work/outside.md" merge.plan
expect_status 2
expect_err "not in a git repository"
[ -f "$work/outside.md" ] && fail "written outside despite the refusal"
run apply --commit -o - merge.plan
expect_status 2
expect_err "--commit needs a file"
run apply -m "no commit" merge.plan
expect_status 2
finish

# A plan's variant from outside the repository, allowed by the user, goes
# into the result but never into a commit: nothing is written.
start apply-commit-outside-source
cd "$work/r1"
git checkout -q -- . 2>/dev/null
before=$(cat agents/merged.md)
head_before=$(git rev-parse HEAD)
cp "$ex/minimal.md" "$work/minimal.md"
sed -e 's|^variant 3 "vendor/minimal.md"|variant 3 "../minimal.md"|' \
	-e 's/^\( *\)take "Release Notes" from 1.*/\1take "Release Notes" from 2/' merge.plan >outside.plan
grep -q '^variant 3 "../minimal.md"' outside.plan || fail "the plan's variant 3 was not replaced"
run apply --commit outside.plan
expect_status 2
expect_err 'outside.plan:7:11: variant 3 "../minimal.md" is outside the repository'
run apply --commit --allow-outside "$work/minimal.md" outside.plan
expect_status 2
expect_err "cannot commit: variant 3 (../minimal.md) is outside the repository that receives the commit"
expect_err "nothing written"
[ "$(cat agents/merged.md)" = "$before" ] || fail "written despite the refusal"
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "committed despite the refusal"
# Without --commit, the variant the user allowed is read.
run apply --allow-outside "$work/minimal.md" -o - outside.plan
expect_status 0
finish

# A symlink stays a symlink, in the work tree and in the commit: through
# it, the file it leads to is written and committed.  A link replaced by a
# file is not committed as one, nor a link that leads out of the
# repository.
start apply-commit-symlink
mkdir -p "$work/links" && cd "$work/links" || exit 1
git_init main
cp "$ex/v1.md" a.md && cp "$ex/v2.md" b.md
run plan -o m.plan --output real.md a.md b.md
run apply m.plan
expect_status 0
ln -s real.md link.md
git add -A && git commit -q -m inputs
sed -e 's/^\( *\)take "Versioning" from 1.*/\1take "Version Numbers" from 2/' m.plan >p.tmp &&
	mv p.tmp m.plan
run apply --commit -m "through the link" -o link.md m.plan
expect_status 0
expect_err "committed"
[ -L link.md ] || fail "link.md is no longer a symbolic link"
[ "$(git ls-tree HEAD link.md | cut -c1-6)" = 120000 ] || fail "link.md was committed as $(git ls-tree HEAD link.md)"
[ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = real.md ] ||
	fail "the commit holds $(git diff-tree --no-commit-id --name-only -r HEAD), not real.md"
grep -q '^## Version Numbers' real.md || fail "real.md does not hold the result"
[ -z "$(git status --porcelain -- link.md real.md)" ] || fail "not clean: $(git status --porcelain)"
head_before=$(git rev-parse HEAD)
# The link replaced by a copy of its file, as a careless writer would.
rm link.md && cp real.md link.md
run apply --commit --force -o link.md m.plan
expect_status 2
expect_err "link.md is a symbolic link in the index but a regular file in the work tree"
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "committed the link as a file"
rm link.md && ln -s real.md link.md
# A link out of the repository.
cp "$ex/v1.md" "$work/outside-real.md"
ln -s "$work/outside-real.md" out-link.md
run apply --commit --force -o out-link.md m.plan
expect_status 2
expect_err "cannot commit: it is a symbolic link to"
expect_err "outside the repository's work tree"
cmp -s "$ex/v1.md" "$work/outside-real.md" || fail "written outside the repository despite the refusal"
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "committed despite the refusal"
finish

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
