#include "project/ProjectFile.h"

#include "project/ExemplarSetJson.h"
#include "project/TrainingSettingsJson.h"
#include "util/AtomicFileWriter.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace dragon {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path projectFolder(const std::string &projectPath)
{
    const fs::path folder = fs::absolute(fs::path(projectPath)).parent_path();
    return folder.lexically_normal();
}

} // namespace

std::string ProjectFile::serialise(const Project &project, const std::string &projectPath)
{
    const fs::path folder = projectFolder(projectPath);
    json document = {{"format", kFormatTag},
                     {"version", kSchemaVersion},
                     {"name", project.name},
                     {"exemplarSets", ExemplarSetJson::write(project.exemplarSets, folder)},
                     {"prompts", {{"train", project.trainPrompts}, {"eval", project.evalPrompts}}},
                     {"reward", json::parse(project.reward.toJson())}};
    if (!project.training.empty()) // only what is set (older versions ignore the object)
        document["training"] = TrainingSettingsJson::write(project.training);
    return document.dump(2) + "\n";
}

Project ProjectFile::parse(const std::string &text, const std::string &path)
{
    // Every library exception and every bad field becomes a ProjectError naming the file.
    try {
        return parseDocument(StrictJson::parse(text), path);
    } catch (const JsonFormatError &e) {
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           std::string("damaged project file: ") + e.what());
    } catch (const nlohmann::json::exception &e) {
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           std::string("damaged project file: ") + e.what());
    } catch (const std::bad_alloc &) {
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "damaged project file: too large to read");
    }
}

Project ProjectFile::parseDocument(const nlohmann::json &document, const std::string &path)
{
    if (!document.is_object() || !document.contains("format") ||
        document.at("format") != kFormatTag)
        throw ProjectError(
            ProjectErrorKind::Malformed, path,
            "not a DRAGON Studio project (the \"format\" field is missing or wrong)");
    const JsonObject file(document, "the file");
    const std::int64_t version = file.requiredInteger("version", 1, kMaxReadableVersion);
    if (version > kSchemaVersion)
        throw ProjectError(ProjectErrorKind::NewerVersion, path,
                           "written by a newer DRAGON Studio (project schema " +
                               std::to_string(version) + "; this version reads up to " +
                               std::to_string(kSchemaVersion) + "). Update the app to open it");

    const fs::path folder = projectFolder(path);
    Project project;
    project.name = file.text("name", std::string());
    if (file.has("exemplarSets"))
        project.exemplarSets = ExemplarSetJson::read(document.at("exemplarSets"), folder);
    if (file.has("prompts")) {
        const JsonObject prompts = file.object("prompts", "\"prompts\"");
        project.trainPrompts = prompts.texts("train");
        project.evalPrompts = prompts.texts("eval");
    }
    if (file.has("reward"))
        project.reward =
            RewardDefinition::fromJson(document.at("reward").dump()); // depth is bounded
    if (file.has("training"))
        project.training = TrainingSettingsJson::read(file.object("training", "\"training\""));
    return project;
}

Project ProjectFile::load(const std::string &path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw ProjectError(ProjectErrorKind::NotFound, path, "project file does not exist");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ProjectError(ProjectErrorKind::Unreadable, path, "cannot open the project file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw ProjectError(ProjectErrorKind::Unreadable, path, "cannot read the project file");
    if (text.str().empty())
        throw ProjectError(ProjectErrorKind::Malformed, path, "damaged project file: it is empty");
    return parse(text.str(), path);
}

void ProjectFile::save(const Project &project, const std::string &path)
{
    // Never replace a file this version cannot read back: it may hold a newer app's work.
    // Only the version matters here, so the existing file is not loaded as a project.
    std::ifstream existing(path, std::ios::binary);
    if (existing) {
        json old;
        try {
            old = StrictJson::parse(existing);
        } catch (const JsonFormatError &) {
            // a damaged file the user chose to overwrite
        }
        const auto version = old.is_object() ? old.find("version") : old.end();
        if (old.is_object() && old.contains("format") && old.at("format") == kFormatTag &&
            version != old.end() && version->is_number() &&
            version->get<double>() > double(kSchemaVersion))
            throw ProjectError(ProjectErrorKind::WriteFailed, path,
                               "refusing to overwrite a project written by a newer version");
    }
    try {
        AtomicFileWriter::write(path, serialise(project, path));
    } catch (const std::runtime_error &e) {
        throw ProjectError(ProjectErrorKind::WriteFailed, path,
                           std::string("could not save: ") + e.what());
    }
}

} // namespace dragon
