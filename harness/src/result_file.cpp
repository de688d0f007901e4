#include "result_file.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "harness/race_mode.h"

namespace harness::detail {

namespace {

// Tabs and newlines separate fields and records, so they are escaped.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

std::string last_line(const std::string& message) {
  std::size_t end = message.find_last_not_of("\n ");
  if (end == std::string::npos) return "";
  std::size_t start = message.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return message.substr(start, end - start + 1);
}

class ResultFile : public ::testing::EmptyTestEventListener {
 public:
  explicit ResultFile(std::FILE* out) : out_(out) {}
  ~ResultFile() override { std::fclose(out_); }

  void OnTestProgramStart(const ::testing::UnitTest&) override {
#if HARNESS_POOL_HOSTILE
    record(race_mode_seed() != 0 ? "run\trace-mode" : "run\tplain");
#else
    record("run\tplain");
#endif
  }

  void OnTestStart(const ::testing::TestInfo& test) override {
    current_ = name(test);
    record("started\t" + current_);
  }

  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    // Not UnitTest::current_test_info(): GoogleTest holds its own lock while
    // it calls this, and that function takes it again.
    record("failed\t" + current_ + "\t" +
           (result.file_name() ? result.file_name() : "") + "\t" + std::to_string(result.line_number()) + "\t" +
           escaped(last_line(result.message())) + "\t" + escaped(result.message()));
  }

  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (test.result()->Passed()) record("passed\t" + name(test));
    current_ = "(outside a test)";
  }

  void OnTestProgramEnd(const ::testing::UnitTest& unit) override {
    record(std::string("done\t") + (unit.Passed() ? "passed" : "failed"));
  }

  void unfinished(long long seconds) { record("unfinished\t" + current_ + "\t" + std::to_string(seconds)); }

 private:
  static std::string name(const ::testing::TestInfo& test) {
    return std::string(test.test_suite_name()) + "." + test.name();
  }

  void record(const std::string& line) {
    std::fputs(line.c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }

  std::FILE* out_;
  std::string current_ = "(outside a test)";
};

// The writer, once registered (GoogleTest owns it).
ResultFile* the_file = nullptr;

}  // namespace

void write_results_when_asked() {
  const char* path = std::getenv("KATA_RESULT_FILE");
  if (path == nullptr || *path == '\0') return;
  std::FILE* out = std::fopen(path, "w");
  if (out == nullptr) {
    std::fprintf(stderr, "cannot write the results to KATA_RESULT_FILE=%s\n", path);
    std::exit(2);
  }
  the_file = new ResultFile(out);
  ::testing::UnitTest::GetInstance()->listeners().Append(the_file);
}

void record_unfinished(long long seconds) {
  if (the_file) the_file->unfinished(seconds);
}

}  // namespace harness::detail
