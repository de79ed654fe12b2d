#include "document/ProjectDocument.h"

#include "document/AddItemsCommand.h"
#include "document/AddSetCommand.h"
#include "document/RemoveItemsCommand.h"
#include "document/RemoveSetCommand.h"
#include "document/RenameSetCommand.h"
#include "document/SetRewardCommand.h"
#include "project/ProjectFile.h"

#include <algorithm>

ProjectDocument::ProjectDocument(QObject *parent) : QObject(parent)
{
    connect(&m_undoStack, &QUndoStack::cleanChanged, this,
            [this](bool) { Q_EMIT modifiedChanged(isModified()); });
}

void ProjectDocument::reset(const dragon::Project &project, const QString &filePath)
{
    m_project = project;
    m_filePath = filePath;
    m_extraModified = false;
    m_undoStack.clear();
    m_undoStack.setClean();
    Q_EMIT documentReset();
    Q_EMIT setsChanged();
    Q_EMIT filePathChanged(m_filePath);
    Q_EMIT modifiedChanged(false);
}

void ProjectDocument::saveAs(const QString &path)
{
    dragon::Project copy = m_project;
    if (copy.name.empty())
        copy.name = path.section('/', -1).section('.', 0, 0).toStdString();
    dragon::ProjectFile::save(copy, path.toStdString());
    m_project.name = copy.name;
    m_filePath = path;
    m_extraModified = false;
    m_undoStack.setClean();
    Q_EMIT filePathChanged(m_filePath);
    Q_EMIT modifiedChanged(false);
}

int ProjectDocument::indexOfSet(const QString &id) const
{
    const std::string key = id.toStdString();
    for (int i = 0; i < setCount(); ++i)
        if (m_project.exemplarSets[i].id == key)
            return i;
    return -1;
}

void ProjectDocument::addSet(const QString &name)
{
    dragon::ExemplarSet set;
    set.id = m_project.newSetId();
    set.name = name.toStdString();
    m_undoStack.push(new AddSetCommand(this, set, setCount()));
}

void ProjectDocument::renameSet(const QString &id, const QString &name)
{
    const int index = indexOfSet(id);
    if (index < 0 || name.trimmed().isEmpty() || set(index).name == name.toStdString())
        return;
    m_undoStack.push(
        new RenameSetCommand(this, id, QString::fromStdString(set(index).name), name.trimmed()));
}

void ProjectDocument::removeSet(const QString &id)
{
    const int index = indexOfSet(id);
    if (index >= 0)
        m_undoStack.push(new RemoveSetCommand(this, index));
}

void ProjectDocument::addItems(const QString &setId, const std::vector<dragon::ExemplarItem> &items,
                               int importId)
{
    const int index = indexOfSet(setId);
    if (index < 0 || items.empty())
        return;
    m_undoStack.push(
        new AddItemsCommand(this, setId, int(set(index).items.size()), items, importId));
}

void ProjectDocument::removeItems(const QString &setId, QVector<int> rows)
{
    if (indexOfSet(setId) < 0 || rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    m_undoStack.push(new RemoveItemsCommand(this, setId, rows));
}

void ProjectDocument::setPrompts(const std::vector<std::string> &train,
                                 const std::vector<std::string> &eval)
{
    if (train == m_project.trainPrompts && eval == m_project.evalPrompts)
        return;
    m_project.trainPrompts = train;
    m_project.evalPrompts = eval;
    m_extraModified = true;
    Q_EMIT modifiedChanged(true);
}

void ProjectDocument::setTraining(const dragon::TrainingSettings &training)
{
    if (training == m_project.training)
        return;
    m_project.training = training;
    m_extraModified = true;
    Q_EMIT modifiedChanged(true);
}

void ProjectDocument::setReward(const dragon::RewardDefinition &reward)
{
    if (reward == m_project.reward)
        return;
    m_undoStack.push(new SetRewardCommand(this, m_project.reward, reward));
}

void ProjectDocument::replaceReward(const dragon::RewardDefinition &reward)
{
    m_project.reward = reward;
    Q_EMIT rewardChanged();
}

void ProjectDocument::insertSetAt(int index, const dragon::ExemplarSet &set)
{
    index = std::clamp(index, 0, setCount());
    m_project.exemplarSets.insert(m_project.exemplarSets.begin() + index, set);
    Q_EMIT setsChanged();
}

dragon::ExemplarSet ProjectDocument::takeSetAt(int index)
{
    dragon::ExemplarSet set = m_project.exemplarSets.at(index);
    m_project.exemplarSets.erase(m_project.exemplarSets.begin() + index);
    Q_EMIT setsChanged();
    return set;
}

void ProjectDocument::setSetName(const QString &id, const QString &name)
{
    if (auto *set = m_project.findSet(id.toStdString())) {
        set->name = name.toStdString();
        Q_EMIT setsChanged();
    }
}

void ProjectDocument::insertItemsAt(const QString &setId, int row,
                                    const std::vector<dragon::ExemplarItem> &items)
{
    auto *set = m_project.findSet(setId.toStdString());
    if (!set)
        return;
    row = std::clamp(row, 0, int(set->items.size()));
    set->items.insert(set->items.begin() + row, items.begin(), items.end());
    Q_EMIT itemsChanged(setId);
}

std::vector<dragon::ExemplarItem> ProjectDocument::takeItems(const QString &setId, int row,
                                                             int count)
{
    auto *set = m_project.findSet(setId.toStdString());
    if (!set || row < 0 || row + count > int(set->items.size()))
        return {};
    std::vector<dragon::ExemplarItem> taken(set->items.begin() + row,
                                            set->items.begin() + row + count);
    set->items.erase(set->items.begin() + row, set->items.begin() + row + count);
    Q_EMIT itemsChanged(setId);
    return taken;
}

std::vector<dragon::ExemplarItem> ProjectDocument::takeRows(const QString &setId,
                                                            const QVector<int> &rows)
{
    auto *set = m_project.findSet(setId.toStdString());
    if (!set || rows.isEmpty() || rows.front() < 0 || rows.back() >= int(set->items.size()))
        return {};
    std::vector<dragon::ExemplarItem> taken;
    for (int row : rows)
        taken.push_back(set->items[row]);
    for (auto it = rows.crbegin(); it != rows.crend(); ++it) // from the back: indices stay valid
        set->items.erase(set->items.begin() + *it);
    Q_EMIT itemsChanged(setId);
    return taken;
}

void ProjectDocument::insertRows(const QString &setId, const QVector<int> &rows,
                                 const std::vector<dragon::ExemplarItem> &items)
{
    auto *set = m_project.findSet(setId.toStdString());
    if (!set)
        return;
    for (int i = 0; i < int(rows.size()); ++i) // ascending: each lands where it was
        set->items.insert(set->items.begin() + std::min(rows[i], int(set->items.size())), items[i]);
    Q_EMIT itemsChanged(setId);
}

void ProjectDocument::updateItemInfo(const QString &path, double seconds, int sampleRate,
                                     int channels, bool missing)
{
    const std::string key = path.toStdString();
    for (auto &set : m_project.exemplarSets) {
        bool changed = false;
        for (auto &item : set.items) {
            if (item.kind != dragon::ExemplarItem::Kind::Audio || item.path != key)
                continue;
            item.durationSeconds = seconds;
            item.sampleRate = sampleRate;
            item.channels = channels;
            item.missing = missing;
            changed = true;
        }
        if (changed)
            Q_EMIT itemsChanged(QString::fromStdString(set.id));
    }
}
