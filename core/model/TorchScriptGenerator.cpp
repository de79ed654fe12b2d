#include "model/TorchScriptGenerator.h"

#include "model/TorchLoadError.h"
#include "util/AtomicFileWriter.h"
#include "util/ChecksummedFile.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <torch/script.h>

namespace dragon {

struct TorchScriptGenerator::Impl
{
    mutable torch::jit::Module module;
    std::string path, name;
    int rate = 0;
    std::vector<int64_t> shape;
    torch::Tensor acp;
    bool predictsV = false;
    torch::Device device = torch::kCPU;

    [[noreturn]] void fail(const std::string &what) const
    {
        throw std::runtime_error(path + ": " + what);
    }

    c10::IValue call(const char *method, std::vector<c10::IValue> args) const
    {
        try {
            return module.get_method(method)(std::move(args));
        } catch (...) {
            fail(std::string(method) + "() failed: " + TorchLoadError::describeCurrent());
        }
    }

    torch::Tensor tensorResult(const char *method, std::vector<c10::IValue> args) const
    {
        const auto value = call(method, std::move(args));
        if (!value.isTensor())
            fail(std::string(method) + "() must return a Tensor, got " + value.tagKind());
        return value.toTensor();
    }

    torch::Tensor encode(const std::vector<std::string> &prompts) const
    {
        c10::List<std::string> list;
        for (const auto &p : prompts)
            list.push_back(p);
        return tensorResult("encode_text", {list});
    }

    void validate()
    {
        for (const char *m : {"sample_rate", "latent_shape", "prediction_type", "alphas_cumprod",
                              "encode_text", "denoise", "decode"})
            if (!module.find_method(m))
                fail(std::string("not a DRAGON generator plug-in: method ") + m +
                     "() is missing (required: sample_rate, latent_shape, prediction_type, "
                     "alphas_cumprod, "
                     "encode_text, denoise, decode; see the generator plug-in contract)");
        const auto r = call("sample_rate", {});
        if (!r.isInt() || r.toInt() < 4000 || r.toInt() > 384000)
            fail("sample_rate() must return an int from 4000 to 384000");
        rate = int(r.toInt());
        const auto s = call("latent_shape", {});
        if (!s.isIntList() || s.toIntList().size() != 2 || s.toIntList()[0] < 1 ||
            s.toIntList()[1] < 1)
            fail("latent_shape() must return [C, T] with C, T >= 1");
        shape = {s.toIntList()[0], s.toIntList()[1]};
        const auto p = call("prediction_type", {});
        if (!p.isString() || (p.toStringRef() != "v" && p.toStringRef() != "eps"))
            fail("prediction_type() must return \"v\" or \"eps\"" +
                 (p.isString() ? ", not \"" + p.toStringRef() + "\"" : std::string()));
        predictsV = p.toStringRef() == "v";
        acp = tensorResult("alphas_cumprod", {}).detach().to(torch::kCPU);
        if (acp.dim() != 1 || acp.size(0) < 2 || acp.scalar_type() != torch::kFloat32 ||
            !torch::isfinite(acp).all().item<bool>() || (acp <= 0).any().item<bool>() ||
            (acp >= 1).any().item<bool>())
            fail("alphas_cumprod() must return a float32 Tensor[steps] (steps >= 2) of values in "
                 "(0, 1)");
        name = std::filesystem::path(path).stem().string();
        if (module.find_method("name")) {
            const auto n = call("name", {});
            if (!n.isString())
                fail("name() must return a str");
            name = n.toStringRef();
        }
        // Probes: two prompts (one the unconditional ""), two latents, two timesteps.
        torch::NoGradGuard noGrad;
        const auto cond = encode({"a probe prompt", ""});
        if (cond.dim() < 1 || cond.size(0) != 2 || !cond.is_floating_point())
            fail("encode_text() must return a floating-point Tensor[B, ...] with one row per "
                 "prompt, got shape " +
                 c10::str(cond.sizes()));
        if (!torch::isfinite(cond).all().item<bool>())
            fail("encode_text() returned NaN or infinite values");
        auto gen = at::detail::createCPUGenerator(4321);
        const auto x = torch::randn({2, shape[0], shape[1]}, gen);
        const auto t = torch::tensor({int64_t(0), acp.size(0) - 1}, torch::kInt64);
        const auto a = tensorResult("denoise", {x, t, cond});
        if (a.sizes() != x.sizes() || a.scalar_type() != torch::kFloat32)
            fail("denoise() returned " + std::string(c10::toString(a.scalar_type())) + " " +
                 c10::str(a.sizes()) + "; expected float32 " + c10::str(x.sizes()) +
                 " (latent_shape() = [C, T] with a batch in front)");
        if (!torch::isfinite(a).all().item<bool>())
            fail("denoise() returned NaN or infinite values on a probe input");
        const auto b = tensorResult("denoise", {x, t, cond});
        if ((a - b).abs().max().item<double>() > 1e-6 * (1 + a.abs().max().item<double>()))
            fail("denoise() gives different outputs for the same input (randomness inside the "
                 "model?)");
        const auto audio = tensorResult("decode", {x});
        if (audio.dim() != 2 || audio.size(0) != 2 || audio.size(1) < 1 ||
            audio.scalar_type() != torch::kFloat32)
            fail("decode() must return a float32 Tensor[B, samples], got " +
                 std::string(c10::toString(audio.scalar_type())) + " " + c10::str(audio.sizes()));
        if (!torch::isfinite(audio).all().item<bool>())
            fail("decode() returned NaN or infinite samples");
    }
};

TorchScriptGenerator::TorchScriptGenerator() : m_impl(std::make_unique<Impl>()) {}

TorchScriptGenerator::TorchScriptGenerator(const std::string &path)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->path = path;
    // Checksums first (the PATH.xxh3 sidecar save() writes): libtorch's parsers crash or hang on
    // some damaged files.
    const ChecksummedFile::Contents file = ChecksummedFile::read(path);
    try {
        std::istringstream bytes(file.payload);
        m_impl->module = torch::jit::load(bytes, torch::kCPU);
    } catch (...) {
        m_impl->fail("not a loadable TorchScript file (" + TorchLoadError::describeCurrent() +
                     "). Generators are saved with torch.jit.save(torch.jit.script(model)) from "
                     "torch <= " TORCH_VERSION);
    }
    m_impl->module.eval();
    m_impl->validate();
    for (auto p : m_impl->module.parameters())
        p.set_requires_grad(true);
}

TorchScriptGenerator::~TorchScriptGenerator() = default;

bool TorchScriptGenerator::isZipArchive(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::string(magic, 4) == std::string("PK\x03\x04", 4);
}

std::string TorchScriptGenerator::name() const
{
    return m_impl->name;
}
int TorchScriptGenerator::sampleRate() const
{
    return m_impl->rate;
}
std::vector<int64_t> TorchScriptGenerator::latentShape() const
{
    return m_impl->shape;
}
const torch::Tensor &TorchScriptGenerator::alphasCumprod() const
{
    return m_impl->acp;
}
bool TorchScriptGenerator::predictsV() const
{
    return m_impl->predictsV;
}

TextCondition TorchScriptGenerator::encodeText(const std::vector<std::string> &prompts)
{
    return {m_impl->encode(prompts), torch::Tensor()};
}

torch::Tensor TorchScriptGenerator::denoise(const torch::Tensor &xt, const torch::Tensor &steps,
                                            const TextCondition &condition)
{
    return m_impl->tensorResult("denoise", {xt, steps.to(xt.device()), condition.tokens});
}

std::vector<AudioBuffer> TorchScriptGenerator::decode(const torch::Tensor &latents) const
{
    torch::NoGradGuard noGrad;
    const auto audio =
        m_impl->tensorResult("decode", {latents.to(m_impl->device)}).to(torch::kCPU).contiguous();
    std::vector<AudioBuffer> out;
    for (int64_t b = 0; b < audio.size(0); ++b) {
        const float *p = audio[b].data_ptr<float>();
        out.emplace_back(std::vector<float>(p, p + audio.size(1)), 1, m_impl->rate);
    }
    return out;
}

std::vector<torch::Tensor> TorchScriptGenerator::parameters()
{
    std::vector<torch::Tensor> out;
    for (const auto &p : m_impl->module.parameters())
        out.push_back(p);
    return out;
}

std::vector<torch::Tensor> TorchScriptGenerator::textEncoderParameters()
{
    std::vector<torch::Tensor> out;
    for (const auto &p : m_impl->module.named_parameters())
        if (p.name.rfind("text_encoder.", 0) == 0)
            out.push_back(p.value);
    return out;
}

void TorchScriptGenerator::setTraining(bool training)
{
    m_impl->module.train(training);
}

void TorchScriptGenerator::to(const torch::Device &device)
{
    m_impl->module.to(device);
    m_impl->device = device;
}

torch::Device TorchScriptGenerator::device() const
{
    return m_impl->device;
}

std::unique_ptr<Generator> TorchScriptGenerator::clone() const
{
    std::unique_ptr<TorchScriptGenerator> copy(new TorchScriptGenerator());
    *copy->m_impl = *m_impl;
    copy->m_impl->module = m_impl->module.deepcopy();
    std::vector<torch::Tensor> mine;
    for (const auto &p : m_impl->module.parameters())
        mine.push_back(p);
    std::size_t i = 0;
    for (auto p : copy->m_impl->module.parameters())
        p.set_requires_grad(mine[i++].requires_grad());
    return copy;
}

void TorchScriptGenerator::save(const std::string &path) const
{
    std::ostringstream bytes;
    try {
        m_impl->module.save(bytes);
    } catch (...) {
        throw std::runtime_error(path + ": cannot serialise the generator (" +
                                 TorchLoadError::describeCurrent() + ")");
    }
    AtomicFileWriter::write(path, bytes.str());
    ChecksummedFile::writeSidecar(path);
}

// Records "p0", "p1", ... in parameter order (archive keys may not hold the dots of the
// parameters' names); loadWeights checks each shape.
void TorchScriptGenerator::saveWeights(torch::serialize::OutputArchive &archive) const
{
    int i = 0;
    for (const auto &p : m_impl->module.parameters())
        archive.write("p" + std::to_string(i++), p.detach(), /*is_buffer=*/true);
}

void TorchScriptGenerator::loadWeights(torch::serialize::InputArchive &archive)
{
    torch::NoGradGuard noGrad;
    int i = 0;
    for (const auto &p : m_impl->module.named_parameters()) {
        torch::Tensor value;
        archive.read("p" + std::to_string(i++), value, /*is_buffer=*/true);
        if (value.sizes() != p.value.sizes())
            m_impl->fail("the checkpoint's " + p.name + " has shape " + c10::str(value.sizes()) +
                         ", the model's " + c10::str(p.value.sizes()));
        p.value.copy_(value);
    }
}

} // namespace dragon
