// Kata 28: a copy of a request's fields does not depend on the request's
// arena: it outlives the arena, and only a copy told where to live lives there.
#include <memory_resource>
#include <string>

#include <gtest/gtest.h>

#include "fields.h"

namespace {

const char* const kHeader =
    "Content-Type: text/html; charset=utf-8\n"
    "Cache-Control: public\n"
    "Server: pool-katas example server\n";

// The default resource for as long as it lives: a program's default
// resource need not be new and delete.
class DefaultResourceForAWhile {
 public:
  DefaultResourceForAWhile() : previous_(std::pmr::set_default_resource(&resource_)) {}
  ~DefaultResourceForAWhile() { std::pmr::set_default_resource(previous_); }

 private:
  std::pmr::synchronized_pool_resource resource_;
  std::pmr::memory_resource* previous_;
};

}  // namespace

TEST(CopyKeepsTheArena, ParsesEveryField) {
  std::pmr::monotonic_buffer_resource arena;
  const Fields fields = parse_fields(kHeader, &arena);
  EXPECT_EQ(fields.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(fields.get("Server"), "pool-katas example server");
  EXPECT_EQ(fields.get("Age"), "");
  EXPECT_EQ(fields.get_allocator().resource(), &arena) << "the parsed fields should live in the request's arena";
}

TEST(CopyKeepsTheArena, ACachedResponseOutlivesItsRequest) {
  ResponseCache cache;
  EXPECT_EQ(serve(cache, "/index.html", kHeader), "text/html; charset=utf-8");
  const Fields* kept = cache.find("/index.html");
  ASSERT_NE(kept, nullptr) << "a response with Cache-Control: public was not kept";
  const std::string content_type(kept->get("Content-Type"));  // for: this kata's bug
  EXPECT_EQ(content_type, "text/html; charset=utf-8");
}

TEST(CopyKeepsTheArena, ACopyOutlivesTheOriginalsArena) {
  const Fields copy = [] {
    std::pmr::monotonic_buffer_resource arena;
    const Fields original = parse_fields(kHeader, &arena);
    return Fields(original);
  }();
  const std::string server(copy.get("Server"));  // for: this kata's bug
  EXPECT_EQ(server, "pool-katas example server");
}

TEST(CopyKeepsTheArena, APlainCopyLivesOnTheDefaultResource) {
  const DefaultResourceForAWhile default_resource;
  std::pmr::unsynchronized_pool_resource pool;
  const Fields original = parse_fields(kHeader, &pool);
  const Fields copy(original);
  const std::pmr::memory_resource* where = copy.get_allocator().resource();
  EXPECT_EQ(where, std::pmr::get_default_resource())
      << (where == &pool ? "a plain copy of fields made on a pool resource lives on that same resource"
                         : "a plain copy of fields lives on a resource that is neither the default one nor the original's")
      << ": a copy of a std::pmr container lives on the default resource unless it is given another";  // for: this kata's bug
}

TEST(CopyKeepsTheArena, ACopyToldWhereToLiveLivesThere) {
  std::pmr::monotonic_buffer_resource request_arena;
  std::pmr::monotonic_buffer_resource other_arena;
  const Fields original = parse_fields(kHeader, &request_arena);
  const Fields copy(original, &other_arena);
  EXPECT_EQ(copy.get_allocator().resource(), &other_arena);
  EXPECT_EQ(copy.get("Content-Type"), "text/html; charset=utf-8");
}

TEST(CopyKeepsTheArena, ResponsesNotMarkedPublicAreNotKept) {
  ResponseCache cache;
  EXPECT_EQ(serve(cache, "/private", "Content-Type: application/json; charset=utf-8\nCache-Control: private\n"),
            "application/json; charset=utf-8");
  EXPECT_EQ(cache.find("/private"), nullptr);
}

TEST(CopyKeepsTheArena, ManyRequestsLeaveTheCacheReadable) {
  ResponseCache cache;
  for (int i = 0; i < 50; ++i) {
    const std::string path = "/page/" + std::to_string(i);
    serve(cache, path, "Content-Type: text/plain; page number " + std::to_string(i) + "\nCache-Control: public\n");
  }
  for (int i = 0; i < 50; ++i) {
    const Fields* kept = cache.find("/page/" + std::to_string(i));
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(std::string(kept->get("Content-Type")), "text/plain; page number " + std::to_string(i));  // for: this kata's bug
  }
}
