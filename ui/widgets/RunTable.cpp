#include "widgets/RunTable.h"

#include "dragon/GuardrailCheck.h"
#include "dragon/RunHistory.h"
#include "project/ProjectFolder.h"

#include <QColor>
#include <QFileInfo>
#include <QHeaderView>
#include <QSignalBlocker>

namespace {
constexpr int FolderRole = Qt::UserRole;
constexpr int ResumableRole = Qt::UserRole + 1;
} // namespace

RunTable::RunTable(QWidget *parent) : QTableWidget(0, 5, parent)
{
    setObjectName("runList");
    setHorizontalHeaderLabels(
        {tr("Started"), tr("Reward"), tr("Rounds"), tr("Last win rate"), tr("State")});
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The reward's name keeps room to be read (the table scrolls sideways before it goes; the
    // whole name is in the tooltip); the state takes what is left.
    horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    horizontalHeader()->resizeSection(1, 150);
    horizontalHeader()->setStretchLastSection(true);
    setWordWrap(false);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setMaximumHeight(130);
    setContextMenuPolicy(Qt::CustomContextMenu);
}

void RunTable::fill(const std::vector<dragon::RunSummary> &runs, const QString &selectFolder)
{
    const QSignalBlocker block(this);
    setRowCount(0);
    const QString selected =
        selectFolder.isEmpty() ? QString() : QFileInfo(selectFolder).absoluteFilePath();
    for (const auto &run : runs) {
        const int row = rowCount();
        insertRow(row);
        const QString stamp = QString::fromStdString(dragon::ProjectFolder::displayStamp(run.name));
        auto *started = new QTableWidgetItem(stamp.left(16));
        started->setData(FolderRole, QString::fromStdString(run.folder));
        started->setData(ResumableRole, run.resumable);
        setItem(row, 0, started);
        setItem(row, 1, new QTableWidgetItem(QString::fromStdString(run.reward)));
        setItem(
            row, 2,
            new QTableWidgetItem(QString("%1 / %2").arg(run.roundsDone).arg(run.roundsPlanned)));
        // The round of the last evaluation is in the tooltip: the column stays narrow enough
        // for the reward's name beside it. A win whose guardrails fell is marked "!" (the
        // tooltip says which fell).
        const dragon::WinRate &rate = run.lastEval.winRate;
        const QString fall = QString::fromStdString(
            run.evaluated ? dragon::GuardrailCheck::fallReason(run.lastEval) : "");
        const bool fell = !fall.isEmpty();
        auto *win = new QTableWidgetItem(run.evaluated ? tr("%1 [%2, %3]%4")
                                                             .arg(rate.rate, 0, 'f', 2)
                                                             .arg(rate.lower, 0, 'f', 2)
                                                             .arg(rate.upper, 0, 'f', 2)
                                                             .arg(fell ? " !" : "")
                                                       : tr("—"));
        if (fell)
            win->setForeground(QColor(0xa0, 0x30, 0x00));
        setItem(row, 3, win);
        setItem(row, 4, new QTableWidgetItem(QString::fromStdString(run.state)));
        const QString tip =
            stamp + "\n" + QString::fromStdString(run.reward) + "\n" +
            (run.evaluated ? tr("Last evaluation at round %1").arg(run.lastEval.round) + "\n"
                           : QString()) +
            (fell ? tr("Guardrail fell there: %1 (the win may be reward hacking)").arg(fall) + "\n"
                  : QString()) +
            QString::fromStdString(run.folder);
        for (int c = 0; c < columnCount(); ++c)
            item(row, c)->setToolTip(tip);
        if (QString::fromStdString(run.folder) == selected)
            setCurrentCell(row, 0);
    }
}

QString RunTable::folderAt(int row) const
{
    const QTableWidgetItem *cell = row >= 0 ? item(row, 0) : nullptr;
    return cell ? cell->data(FolderRole).toString() : QString();
}

bool RunTable::resumableAt(int row) const
{
    const QTableWidgetItem *cell = row >= 0 ? item(row, 0) : nullptr;
    return cell && cell->data(ResumableRole).toBool();
}

QString RunTable::startedAt(int row) const
{
    const QTableWidgetItem *cell = row >= 0 ? item(row, 0) : nullptr;
    return cell ? cell->text() : QString();
}
