#include "util/StrictJson.h"

#include "util/JsonFormatError.h"

#include <istream>
#include <iterator>

namespace dragon {
namespace {

// Thrown from the parser callback; caught below and turned into a JsonFormatError.
struct TooDeep
{
};

} // namespace

nlohmann::json StrictJson::parse(const std::string &text)
{
    using nlohmann::json;
    // The parser itself is iterative; the callback stops a deep document as soon as it opens
    // the level that is too many, so nothing deep is ever built.
    const json::parser_callback_t limitDepth = [](int depth, json::parse_event_t event, json &) {
        if ((event == json::parse_event_t::object_start ||
             event == json::parse_event_t::array_start) &&
            depth >= kMaxDepth)
            throw TooDeep{};
        return true;
    };
    try {
        return json::parse(text, limitDepth);
    } catch (const TooDeep &) {
        throw JsonFormatError("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    } catch (const json::parse_error &e) {
        throw JsonFormatError("not valid JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const json::out_of_range &) {
        throw JsonFormatError("a number is out of range (larger than any double)");
    } catch (const json::exception &e) {
        throw JsonFormatError(std::string("not valid JSON (") + e.what() + ")");
    }
}

nlohmann::json StrictJson::parse(std::istream &in)
{
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse(text);
}

} // namespace dragon
