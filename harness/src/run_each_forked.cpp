#include "run_each_forked.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool_guard.h"

namespace harness::detail {
namespace {

struct PlannedRun {
  std::string fix;   // the prefix of the fix's tests: FixI
  std::string kind;  // wrong, right or gap
  long seconds = 0;  // killed after this long
  int seed = 0;      // GoogleTest's shuffle seed for right and gap
};

bool read_plan(const char* path, std::vector<PlannedRun>& plan) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    PlannedRun run;
    if (!(fields >> run.fix >> run.kind >> run.seconds >> run.seed)) return false;
    if (run.kind != "wrong" && run.kind != "right" && run.kind != "gap") return false;
    plan.push_back(run);
  }
  return !plan.empty();
}

// Threads of this process, sanitizers' own included: a child forked from a
// process with other threads holds whatever locks they held.
int thread_count() {
  int count = 0;
  if (DIR* tasks = opendir("/proc/self/task")) {
    while (const dirent* entry = readdir(tasks)) {
      if (entry->d_name[0] != '.') ++count;
    }
    closedir(tasks);
  }
  return count;
}

bool write_line(const std::string& path, const std::string& line) {
  std::ofstream out(path);
  out << line << '\n';
  return static_cast<bool>(out);
}

// In the child: the fix's tests, with the output and flags a process of its
// own would have had (run_fix.cmake's command line).
[[noreturn]] void run_child(const PlannedRun& run, const std::string& base, int (*run_tests)()) {
  const int out = open((base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) _exit(125);
  dup2(out, STDOUT_FILENO);
  dup2(out, STDERR_FILENO);
  close(out);
  setenv("KATA_RESULT_FILE", (base + ".results.tsv").c_str(), 1);
  GTEST_FLAG_SET(filter, run.fix + "_*");
  if (run.kind == "wrong") {
    // Judged by its first failure (judge_fix.cmake): what runs after it
    // cannot change the verdict, only its cost.
    GTEST_FLAG_SET(fail_fast, true);
  } else {
    GTEST_FLAG_SET(shuffle, true);
    GTEST_FLAG_SET(repeat, 3);
    GTEST_FLAG_SET(random_seed, run.seed);
  }
  // As a return from main() would: static destructors, then the sanitizers'
  // exit checks (LeakSanitizer's among them).
  std::exit(run_tests());
}

// A child running, and when it is killed if it has not ended.
struct Running {
  pid_t pid;
  std::string base;
  std::chrono::steady_clock::time_point deadline;
};

std::string status_of(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  return "signal " + std::to_string(WTERMSIG(status));
}

}  // namespace

int run_each_forked(const char* plan_path, const char* out_dir, int (*run_tests)()) {
  std::vector<PlannedRun> plan;
  if (!read_plan(plan_path, plan)) {
    std::fprintf(stderr, "run_each_forked: %s is not a plan (FIX wrong|right|gap SECONDS SEED per line)\n", plan_path);
    return 2;
  }
  // A put() during static initialisation gave this thread ThreadSanitizer's
  // put() fiber, which counts as a second thread: end it (the parent runs no
  // test; each child's first put() makes its own, as a fresh process would).
#if HARNESS_POOL_HOSTILE
  end_put_fiber_of_this_thread();
#endif
  if (const int threads = thread_count(); threads != 1) {
    std::fprintf(stderr, "run_each_forked: the process has %d threads before any test ran: cannot fork it safely\n",
                 threads);
    return 3;
  }
  // Four children at a time on any machine: a kata's slow fixes mostly wait
  // (a hang until its limit, a test that gives a caller five seconds to
  // return), and waits overlap; a right fix passes under load, as the
  // participant's must.
  constexpr std::size_t kAtOnce = 4;
  std::vector<Running> running;
  std::size_t next = 0;
  while (next < plan.size() || !running.empty()) {
    while (next < plan.size() && running.size() < kAtOnce) {
      const PlannedRun& run = plan[next++];
      const std::string base = std::string(out_dir) + "/" + run.fix;
      std::fflush(nullptr);  // nothing buffered is written twice
      const pid_t child = fork();
      if (child < 0) {
        std::perror("run_each_forked: fork");
        return 2;
      }
      if (child == 0) run_child(run, base, run_tests);
      running.push_back({child, base, std::chrono::steady_clock::now() + std::chrono::seconds(run.seconds)});
    }
    // Polls, because a child that hangs must be killed at its limit, and a
    // short sleep between looks costs nothing here.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      std::string said;
      const pid_t done = waitpid(it->pid, &status, WNOHANG);
      if (done == it->pid) {
        said = status_of(status);
      } else if (done < 0) {
        said = "exit 126";
      } else if (std::chrono::steady_clock::now() >= it->deadline) {
        kill(it->pid, SIGKILL);
        waitpid(it->pid, &status, 0);
        said = "timeout";
      } else {
        ++it;
        continue;
      }
      if (!write_line(it->base + ".status", said)) {
        std::fprintf(stderr, "run_each_forked: cannot write %s.status\n", it->base.c_str());
        return 2;
      }
      it = running.erase(it);
    }
  }
  return 0;
}

}  // namespace harness::detail
