#pragma once

#include "project/Project.h"

#include <QObject>
#include <QString>
#include <QUndoStack>
#include <QVector>

// The open project as the GUI sees it: the core Project plus its file path, an undo stack and a
// modified flag. Every edit of exemplar sets goes through an undo command that calls the
// primitive mutators below, which emit fine-grained signals for the models.
class ProjectDocument : public QObject
{
    Q_OBJECT
public:
    explicit ProjectDocument(QObject *parent = nullptr);

    const dragon::Project &project() const { return m_project; }
    QUndoStack *undoStack() { return &m_undoStack; }
    QString filePath() const { return m_filePath; }
    bool isModified() const { return !m_undoStack.isClean() || m_extraModified; }

    // Replaces everything (new/open); clears undo history.
    void reset(const dragon::Project &project, const QString &filePath);
    // Saves to `path` (atomic). Throws dragon::ProjectError; on failure nothing changes.
    void saveAs(const QString &path);

    int setCount() const { return int(m_project.exemplarSets.size()); }
    const dragon::ExemplarSet &set(int index) const { return m_project.exemplarSets.at(index); }
    int indexOfSet(const QString &id) const;

    // Undoable user edits.
    void addSet(const QString &name);
    void renameSet(const QString &id, const QString &name);
    void removeSet(const QString &id);
    // Items from one import batch; batches with the same importId merge into one undo step.
    void addItems(const QString &setId, const std::vector<dragon::ExemplarItem> &items,
                  int importId = 0);
    void removeItems(const QString &setId, QVector<int> rows);
    void setPrompts(const std::vector<std::string> &train, const std::vector<std::string> &eval);
    // The Train tab's form (not on the undo stack, like prompts).
    void setTraining(const dragon::TrainingSettings &training);
    // The encoder and reward terms: one undo step per edit (number edits of one term merge).
    void setReward(const dragon::RewardDefinition &reward);

    // Primitive mutators used by undo commands (no undo themselves).
    void insertSetAt(int index, const dragon::ExemplarSet &set);
    dragon::ExemplarSet takeSetAt(int index);
    void setSetName(const QString &id, const QString &name);
    void insertItemsAt(const QString &setId, int row,
                       const std::vector<dragon::ExemplarItem> &items);
    std::vector<dragon::ExemplarItem> takeItems(const QString &setId, int row, int count);
    // Sorted, unique rows; one itemsChanged signal for the whole selection.
    std::vector<dragon::ExemplarItem> takeRows(const QString &setId, const QVector<int> &rows);
    void insertRows(const QString &setId, const QVector<int> &rows,
                    const std::vector<dragon::ExemplarItem> &items);
    void replaceReward(const dragon::RewardDefinition &reward);
    void updateItemInfo(const QString &path, double seconds, int sampleRate, int channels,
                        bool missing);

Q_SIGNALS:
    void documentReset();
    void setsChanged();
    void itemsChanged(const QString &setId);
    void modifiedChanged(bool modified);
    void filePathChanged(const QString &path);
    void rewardChanged();

private:
    dragon::Project m_project;
    QString m_filePath;
    QUndoStack m_undoStack;
    bool m_extraModified = false; // prompt edits, which are not on the undo stack
};
