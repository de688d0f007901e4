// A request's header fields, parsed into the request's arena: a
// std::pmr::monotonic_buffer_resource that hands out memory fast and frees
// it all at once, when the request is done. A ResponseCache keeps a copy of
// the fields of responses that may be cached, for the requests after.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

class Fields {
 public:
  using allocator_type = std::pmr::polymorphic_allocator<char>;

  explicit Fields(allocator_type allocator = {}) : names_(allocator), values_(allocator) {}
  // A copy lives on the default resource, as a copy of any std::pmr
  // container does (select_on_container_copy_construction): the original's
  // arena may be gone long before the copy.
  Fields(const Fields& other) : Fields(other, allocator_type{}) {}
  Fields(Fields&&) noexcept = default;
  // A copy of `other` whose memory comes from `allocator`'s resource.
  Fields(const Fields& other, allocator_type allocator) : names_(other.names_, allocator), values_(other.values_, allocator) {}
  Fields& operator=(const Fields&) = delete;

  void add(std::string_view name, std::string_view value) {
    names_.emplace_back(name);
    values_.emplace_back(value);
  }
  // The value of the field `name`, or "" when there is none.
  std::string_view get(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return values_[i];
    }
    return {};
  }
  allocator_type get_allocator() const { return names_.get_allocator(); }

 private:
  std::pmr::vector<std::pmr::string> names_;
  std::pmr::vector<std::pmr::string> values_;
};

// Lines of "Name: value", one field a line.
inline Fields parse_fields(std::string_view header, std::pmr::memory_resource* memory) {
  Fields fields(memory);
  while (!header.empty()) {
    const std::size_t end = std::min(header.find('\n'), header.size());
    const std::string_view line = header.substr(0, end);
    header.remove_prefix(std::min(end + 1, header.size()));
    const std::size_t colon = line.find(": ");
    if (colon != std::string_view::npos) fields.add(line.substr(0, colon), line.substr(colon + 2));
  }
  return fields;
}

class ResponseCache {
 public:
  // Keeps a copy of the first cacheable response's fields for `path`.
  void keep(const std::string& path, const Fields& fields) { entries_.try_emplace(path, fields); }
  // The fields kept for `path`, or null.
  const Fields* find(const std::string& path) const {
    const auto entry = entries_.find(path);
    return entry == entries_.end() ? nullptr : &entry->second;
  }

 private:
  std::map<std::string, Fields> entries_;
};

// Serves one request: its fields live in an arena as long as the request.
// Returns the response's content type.
inline std::string serve(ResponseCache& cache, const std::string& path, std::string_view header) {
  std::pmr::monotonic_buffer_resource arena;
  const Fields fields = parse_fields(header, &arena);
  if (fields.get("Cache-Control") == "public") cache.keep(path, fields);
  return std::string(fields.get("Content-Type"));
}
