#include "project/Project.h"

namespace dragon {

ExemplarItem ExemplarItem::audio(std::string absolutePath)
{
    ExemplarItem item;
    item.kind = Kind::Audio;
    item.path = std::move(absolutePath);
    return item;
}

ExemplarItem ExemplarItem::textItem(std::string text)
{
    ExemplarItem item;
    item.kind = Kind::Text;
    item.text = std::move(text);
    return item;
}

bool ExemplarItem::operator==(const ExemplarItem &o) const
{
    return kind == o.kind && path == o.path && text == o.text &&
           durationSeconds == o.durationSeconds && sampleRate == o.sampleRate &&
           channels == o.channels && missing == o.missing;
}

bool ExemplarSet::operator==(const ExemplarSet &o) const
{
    return id == o.id && name == o.name && items == o.items;
}

ExemplarSet *Project::findSet(const std::string &id)
{
    for (auto &set : exemplarSets)
        if (set.id == id)
            return &set;
    return nullptr;
}

const ExemplarSet *Project::findSet(const std::string &id) const
{
    return const_cast<Project *>(this)->findSet(id);
}

std::string Project::newSetId() const
{
    for (int n = 1;; ++n) {
        std::string id = "set-" + std::to_string(n);
        if (!findSet(id))
            return id;
    }
}

bool Project::operator==(const Project &o) const
{
    return name == o.name && exemplarSets == o.exemplarSets && trainPrompts == o.trainPrompts &&
           evalPrompts == o.evalPrompts && reward == o.reward && training == o.training;
}

} // namespace dragon
