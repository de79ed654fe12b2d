#include "model/TorchLoadError.h"

#include <exception>
#include <torch/csrc/jit/frontend/error_report.h>
#include <torch/torch.h>

namespace dragon {
namespace {
std::string firstLine(const std::string &text)
{
    return text.substr(0, std::min<std::size_t>(text.find('\n'), 300));
}
} // namespace

std::string TorchLoadError::describeCurrent()
{
    try {
        throw;
    } catch (const torch::jit::ErrorReport &) {
        return "its TorchScript code does not parse";
    } catch (const c10::Error &e) {
        return firstLine(e.what_without_backtrace());
    } catch (const std::bad_alloc &) {
        return "it asks for more memory than is available";
    } catch (const std::exception &e) {
        return firstLine(e.what());
    } catch (...) {
        return "unknown error";
    }
}

} // namespace dragon
