# season.sh — sourced (`. harness/tools/season.sh`) by the kata tool, the
# lint and the handout maker: the one place that says which season a kata
# belongs to. Season one is the twenty Go sync.Pool bugs (01-20), the
# workshop's default path; season two is katas 21 and up, pool bugs real C++
# projects shipped, each citing its report (katas/manifest.txt's header).
#
# season_of NN: 1 or 2, for a kata's two-digit number. A shell case, not a
# process: the kata tool asks it for every kata on every status table.
season_of() {
  case "$1" in
    0[1-9] | 1[0-9] | 20) echo 1 ;;
    *) echo 2 ;;
  esac
}
