#!/bin/sh
# mine.sh: how bench/merges/MANIFEST.tsv was made.
#
# usage: bench/merges/mine.sh MIRRORS [OWNER/NAME...] > MANIFEST.tsv
#
# MIRRORS holds one git directory per repository, as MIRRORS/OWNER+NAME/repo
# (bare) or MIRRORS/OWNER+NAME (bare, or a clone with .git).  With no
# OWNER/NAME, every repository found there is mined.
#
# Every two-parent merge commit reachable from any ref (except GitHub's
# refs/pull/*/merge, test merges no person made) whose parents have a
# single merge base gives one case for each file that
#   - ends in .md, .mdc or .markdown,
#   - exists in the base, both parents and the merge commit,
#   - changed on both sides relative to the base, to different blobs
#     (identical changes on both sides are not a merge),
#   - starts with a "---" line (YAML frontmatter) in the base or a parent.
# Output: repo, merge commit, path; tab-separated.  replay.sh finds the
# parents and the merge base again from the merge commit.
# Octopus merges and criss-cross merges (several merge bases) are skipped:
# the truth of those is not a plain three-way merge of the files.
set -u
LC_ALL=C; export LC_ALL
[ $# -ge 1 ] || { echo "usage: $0 MIRRORS [OWNER/NAME...]" >&2; exit 2; }
mirrors=$1; shift
tmp=${TMPDIR:-/tmp}/mine.$$
trap 'rm -f "$tmp.1" "$tmp.2"' EXIT

gitdir_of() { # OWNER/NAME -> git dir, or nothing
	d=$mirrors/$(printf '%s' "$1" | sed 's|/|+|')
	for g in "$d/repo" "$d/.git" "$d"; do
		if [ -d "$g" ] && git --git-dir="$g" rev-parse -q --verify HEAD^{commit} >/dev/null 2>&1 ||
		   [ -d "$g/objects" ]; then printf '%s\n' "$g"; return 0; fi
	done
	return 1
}

has_frontmatter() { # GITDIR REV:PATH
	first=$(git --git-dir="$1" cat-file blob "$2" 2>/dev/null | head -n 1 | tr -d '\r' | sed 's/^\xef\xbb\xbf//')
	case $first in ---|'--- '*|---'	'*) return 0 ;; esac
	return 1
}

if [ $# -eq 0 ]; then
	set --
	for d in "$mirrors"/*+*; do
		[ -d "$d" ] || continue
		b=$(basename "$d"); set -- "$@" "$(printf '%s' "$b" | sed 's|+|/|')"
	done
fi

# Kept for judging the merge work (issue 13): never mined here.
kept='rjmurillo/ai-agents gsd-build/get-shit-done glittercowboy/get-shit-done
gkd67pjznr-ctrl/get-shit-done loganrooks/get-shit-done shoootyou/get-shit-done
itsoneword/get-shit-done ollorin/get-shit-done abovethenoise/get-shit-done
LoganDark/get-shit-done egoista0326/get-shit-done laywill/awesome-claude-code-subagents
anthropics/claude-code anthropics/claude-plugins-official msitarzewski/agency-agents
wshobson/agents SuperClaude-Org/SuperClaude_Framework davila7/claude-code-templates
lst97/claude-code-sub-agents supatest-ai/awesome-claude-code-sub-agents
gyuha/get-shit-done-ko'
is_kept() {
	for k in $kept; do
		[ "$(printf '%s' "$k" | tr A-Z a-z)" = "$(printf '%s' "$1" | tr A-Z a-z)" ] && return 0
	done
	case $(printf '%s' "$1" | tr A-Z a-z) in
	*/get-shit-done*) return 0 ;;	# glittercowboy's forks, whatever the owner
	esac
	return 1
}

for repo in "$@"; do
	if is_kept "$repo"; then echo "mine.sh: $repo is kept for judging; skipped" >&2; continue; fi
	g=$(gitdir_of "$repo") || { echo "mine.sh: no mirror of $repo" >&2; continue; }
	git --git-dir="$g" rev-list --merges --exclude='refs/pull/*/merge' --all --date-order --reverse 2>/dev/null |
	while read -r m; do
		set -- $(git --git-dir="$g" rev-list --no-walk --parents "$m")
		[ $# -eq 3 ] || continue
		p1=$2 p2=$3
		bases=$(git --git-dir="$g" merge-base --all "$p1" "$p2" 2>/dev/null)
		[ -n "$bases" ] || continue
		[ "$(printf '%s\n' "$bases" | wc -l)" -eq 1 ] || continue
		b=$bases
		git --git-dir="$g" diff --no-renames --name-only -z "$b" "$p1" | tr '\0' '\n' | sort > "$tmp.1"
		git --git-dir="$g" diff --no-renames --name-only -z "$b" "$p2" | tr '\0' '\n' | sort > "$tmp.2"
		comm -12 "$tmp.1" "$tmp.2" | grep -Ei '\.(md|mdc|markdown)$' |
		while IFS= read -r path; do
			case $path in *'	'*) continue ;; esac
			ob=$(git --git-dir="$g" rev-parse -q --verify "$b:$path" 2>/dev/null) || continue
			o1=$(git --git-dir="$g" rev-parse -q --verify "$p1:$path" 2>/dev/null) || continue
			o2=$(git --git-dir="$g" rev-parse -q --verify "$p2:$path" 2>/dev/null) || continue
			git --git-dir="$g" rev-parse -q --verify "$m:$path" >/dev/null 2>&1 || continue
			[ "$o1" != "$o2" ] || continue
			[ "$ob" != "$o1" ] && [ "$ob" != "$o2" ] || continue
			has_frontmatter "$g" "$b:$path" || has_frontmatter "$g" "$p1:$path" ||
				has_frontmatter "$g" "$p2:$path" || continue
			printf '%s\t%s\t%s\n' "$repo" "$m" "$path"
		done
	done
done
