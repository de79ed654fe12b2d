#pragma once

#include <QTableWidget>
#include <vector>

namespace dragon {
struct RunSummary;
}

// The Train tab's list of a project's runs: started (to the minute; to the second in the
// tooltip), reward, rounds done of planned, last win rate with its interval ("!" and a
// tooltip naming the guardrail when one fell there), state. Each row keeps its run's folder
// and whether it can be continued; the table knows nothing of training.
class RunTable : public QTableWidget
{
    Q_OBJECT
public:
    explicit RunTable(QWidget *parent = nullptr);

    // Lists `runs` (newest first, as RunHistory::list gives them), selecting the row of
    // `selectFolder` when it is among them. Emits no signal.
    void fill(const std::vector<dragon::RunSummary> &runs, const QString &selectFolder);
    QString folderAt(int row) const;  // empty for no such row
    bool resumableAt(int row) const;  // a stopped or killed run with a checkpoint
    QString startedAt(int row) const; // the "Started" cell
    QString currentFolder() const { return folderAt(currentRow()); }
};
