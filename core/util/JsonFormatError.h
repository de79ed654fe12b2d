#pragma once

#include <stdexcept>
#include <string>

namespace dragon {

// A JSON document that cannot be used: not JSON, nested too deeply, a number out of range, a
// field of the wrong type or with a value outside its limits. The message says what is wrong;
// it names no file, because the callers that know the file (project, run config, checkpoint)
// turn it into their own typed error with the path.
class JsonFormatError : public std::runtime_error
{
public:
    explicit JsonFormatError(const std::string &cause) : std::runtime_error(cause) {}
};

} // namespace dragon
