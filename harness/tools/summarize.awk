# summarize.awk — the participant's view of a sanitizer report.
#
#   awk -v dir=katas/02_use_after_put/ -f summarize.awk kata02.log
#
# Prints the error kind, then for each stack of the report (TSan: the two
# racing accesses; ASan: the bad access, where it was freed, where it was
# allocated) the first frame that lies in the kata's own folder, as
#   "<what happened>: <file>:<line> in <function>".
# Prints nothing when the log holds no sanitizer report.

function short_function(text) {
  sub(/^ *#[0-9]+ +(0x[0-9a-f]+ in )?/, "", text)  # frame number and address
  sub(" +[^ ]*" dir ".*$", "", text)                # the location and module
  gsub(/\[abi:cxx11\]/, "", text)
  gsub(/operator\(\)/, "operator@@", text)          # keep the call operator's ()
  sub(/\(.*$/, "", text)                            # arguments, path and module
  sub(/ +\/.*$/, "", text)                          # a path without arguments
  gsub(/operator@@/, "operator()", text)
  sub(/::[{']lambda.*$/, "::<lambda>", text)
  return text
}

function location(text,    at) {
  if (!match(text, "[^ (]*" dir "[^ :)]+:[0-9]+")) return ""
  at = substr(text, RSTART, RLENGTH)
  sub("^.*" dir, dir, at)
  return at
}

function open_section(label) {
  if (sections >= 3) { label = "" }
  current = label
}

BEGIN { kind = ""; sections = 0; current = ""; ubsan_at = "" }

kind == "" && /WARNING: ThreadSanitizer: / {
  kind = $0; sub(/^.*WARNING: /, "", kind); sub(/ \(pid=.*$/, "", kind); print kind; next
}
kind == "" && /ERROR: AddressSanitizer: / {
  kind = $0; sub(/^.*ERROR: /, "", kind)
  null = kind ~ / on unknown address (0x)?0+( |$)/
  sub(/ on (unknown )?address.*$/, "", kind); sub(/ on 0x[0-9a-f]+.*$/, "", kind); sub(/ \(.*$/, "", kind)
  if (null) kind = kind " (null dereference)"
  print kind
  open_section("where it happened")
  next
}
kind == "" && /ERROR: LeakSanitizer: / {
  kind = "LeakSanitizer: memory leak"; print kind; open_section("allocated at"); next
}
kind == "" && /runtime error: / {
  kind = $0; sub(/^.*runtime error: /, "", kind)
  gsub(/address 0x[0-9a-f]+/, "an address", kind)   # addresses differ from run to run
  print "UndefinedBehaviorSanitizer: " kind
  # The stack (print_stacktrace=1) names the function; the message line
  # itself has only the location, which is what we say if there is no stack.
  ubsan_at = location($0)
  open_section("here")
  next
}
kind == "" { next }

# ThreadSanitizer: "  Write of size 8 at 0x... by thread T2:"
/^  (Previous )?(atomic )?([Rr]ead|[Ww]rite) of size [0-9]+ at / {
  label = $0; sub(/^  /, "", label); sub(/ at 0x[0-9a-f]+/, "", label); sub(/( \(mutexes:.*\))?:$/, "", label)
  open_section(label); next
}
# AddressSanitizer's other stacks.
/^(READ|WRITE) of size [0-9]+ at / { label = $0; sub(/ at 0x[0-9a-f]+.*thread/, " by thread", label); open_section(label); next }
/^freed by thread .* here:/ { open_section("freed by"); next }
/^previously allocated by thread .* here:/ { open_section("allocated by"); next }
/^(SUMMARY|Thread T[0-9]+ .*created by|  Location is|  Mutex)/ { current = ""; next }

/^ *#[0-9]+ / && current != "" {
  at = location($0)
  if (at != "") {
    printf "  %s: %s in %s\n", current, at, short_function($0)
    sections++
    current = ""
  }
}

END { if (ubsan_at != "" && sections == 0) print "  here: " ubsan_at }
