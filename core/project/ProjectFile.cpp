#include "project/ProjectFile.h"

#include "util/AtomicFileWriter.h"

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

// Relative when the file lies inside the project's folder, so folder moves keep working.
std::string storedPath(const std::string &absolute, const fs::path &folder)
{
    const fs::path rel = fs::path(absolute).lexically_normal().lexically_relative(folder);
    if (rel.empty() || *rel.begin() == "..")
        return absolute;
    return rel.generic_string();
}

template <typename T>
T required(const json &object, const char *key, const std::string &where,
           const std::string &path)
{
    if (!object.is_object() || !object.contains(key))
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "damaged project file: " + where + " has no \"" + key + "\" field");
    try {
        return object.at(key).get<T>();
    } catch (const json::exception &) {
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "damaged project file: " + where + " field \"" + key +
                               "\" has the wrong type");
    }
}

std::vector<std::string> stringList(const json &object, const char *key, const std::string &path)
{
    if (!object.contains(key))
        return {};
    return required<std::vector<std::string>>(object, key, "prompts", path);
}

} // namespace

std::string ProjectFile::serialise(const Project &project, const std::string &projectPath)
{
    const fs::path folder = projectFolder(projectPath);
    json sets = json::array();
    for (const auto &set : project.exemplarSets) {
        json items = json::array();
        for (const auto &item : set.items) {
            if (item.kind == ExemplarItem::Kind::Text) {
                items.push_back({{"type", "text"}, {"text", item.text}});
                continue;
            }
            json audio = {{"type", "audio"},
                          {"path", storedPath(item.path, folder)},
                          {"absolutePath", item.path}};
            if (item.sampleRate > 0) {
                audio["durationSeconds"] = item.durationSeconds;
                audio["sampleRate"] = item.sampleRate;
                audio["channels"] = item.channels;
            }
            items.push_back(std::move(audio));
        }
        sets.push_back({{"id", set.id}, {"name", set.name}, {"items", std::move(items)}});
    }
    const json document = {{"format", kFormatTag},
                           {"version", kSchemaVersion},
                           {"name", project.name},
                           {"exemplarSets", std::move(sets)},
                           {"prompts", {{"train", project.trainPrompts},
                                        {"eval", project.evalPrompts}}},
                           {"reward", json::parse(project.reward.toJson())}};
    return document.dump(2) + "\n";
}

Project ProjectFile::parse(const std::string &text, const std::string &path)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::parse_error &e) {
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "damaged project file: not valid JSON (at byte " +
                               std::to_string(e.byte) + ")");
    }
    if (!document.is_object() || document.value("format", std::string()) != kFormatTag)
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "not a DRAGON Studio project (the \"format\" field is missing or wrong)");
    const int version = required<int>(document, "version", "the file", path);
    if (version > kSchemaVersion)
        throw ProjectError(ProjectErrorKind::NewerVersion, path,
                           "written by a newer DRAGON Studio (project schema " +
                               std::to_string(version) + "; this version reads up to " +
                               std::to_string(kSchemaVersion) + "). Update the app to open it");
    if (version < 1)
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "damaged project file: invalid schema version " + std::to_string(version));

    const fs::path folder = projectFolder(path);
    Project project;
    project.name = document.value("name", std::string());
    const json sets = document.contains("exemplarSets") ? document.at("exemplarSets") : json::array();
    if (!sets.is_array())
        throw ProjectError(ProjectErrorKind::Malformed, path,
                           "damaged project file: \"exemplarSets\" is not a list");
    for (const json &s : sets) {
        ExemplarSet set;
        set.id = required<std::string>(s, "id", "an exemplar set", path);
        set.name = required<std::string>(s, "name", "exemplar set '" + set.id + "'", path);
        if (project.findSet(set.id))
            throw ProjectError(ProjectErrorKind::Malformed, path,
                               "damaged project file: two exemplar sets share the id '" + set.id + "'");
        const std::string where = "an item of set '" + set.name + "'";
        const json items = s.contains("items") ? s.at("items") : json::array();
        if (!items.is_array())
            throw ProjectError(ProjectErrorKind::Malformed, path,
                               "damaged project file: items of set '" + set.name + "' are not a list");
        for (const json &i : items) {
            const std::string type = required<std::string>(i, "type", where, path);
            if (type == "text") {
                set.items.push_back(ExemplarItem::textItem(required<std::string>(i, "text", where, path)));
                continue;
            }
            if (type != "audio")
                throw ProjectError(ProjectErrorKind::Malformed, path,
                                   "damaged project file: unknown item type '" + type + "'");
            const std::string stored = required<std::string>(i, "path", where, path);
            const std::string absolute = i.value("absolutePath", std::string());
            fs::path resolved = fs::path(stored).is_absolute() ? fs::path(stored) : folder / stored;
            resolved = resolved.lexically_normal();
            std::error_code ec;
            bool exists = fs::exists(resolved, ec);
            if (!exists && !absolute.empty() && fs::exists(absolute, ec)) {
                resolved = absolute;
                exists = true;
            }
            ExemplarItem item = ExemplarItem::audio(resolved.string());
            item.missing = !exists;
            item.durationSeconds = i.value("durationSeconds", 0.0);
            item.sampleRate = i.value("sampleRate", 0);
            item.channels = i.value("channels", 0);
            set.items.push_back(std::move(item));
        }
        project.exemplarSets.push_back(std::move(set));
    }
    if (document.contains("prompts")) {
        const json &prompts = document.at("prompts");
        project.trainPrompts = stringList(prompts, "train", path);
        project.evalPrompts = stringList(prompts, "eval", path);
    }
    if (document.contains("reward")) {
        try {
            project.reward = RewardDefinition::fromJson(document.at("reward").dump());
        } catch (const std::exception &e) {
            throw ProjectError(ProjectErrorKind::Malformed, path, std::string("damaged project file: ") + e.what());
        }
    }
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
        const json old = json::parse(existing, nullptr, /*allow_exceptions=*/false);
        if (old.is_object() && old.value("format", std::string()) == kFormatTag &&
            old.contains("version") && old["version"].is_number_integer() &&
            old["version"].get<int>() > kSchemaVersion)
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
