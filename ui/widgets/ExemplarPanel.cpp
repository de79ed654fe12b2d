#include "widgets/ExemplarPanel.h"

#include "document/ProjectDocument.h"
#include "models/ItemListModel.h"
#include "models/SetListModel.h"
#include "models/WaveformStore.h"
#include "playback/PlaybackController.h"
#include "widgets/ItemDelegate.h"
#include "workers/ImportController.h"

#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QUrl>
#include <QVBoxLayout>

ExemplarPanel::ExemplarPanel(ProjectDocument *document, WaveformStore *waveforms,
                             ImportController *importer, PlaybackController *playback,
                             QWidget *parent)
    : QWidget(parent), m_document(document), m_waveforms(waveforms), m_importer(importer),
      m_playback(playback), m_setModel(new SetListModel(document, this)),
      m_itemModel(new ItemListModel(document, waveforms, this)), m_delegate(new ItemDelegate(this))
{
    setAcceptDrops(true);

    // Left: sets.
    auto *setsBox = new QWidget;
    auto *setsLayout = new QVBoxLayout(setsBox);
    setsLayout->setContentsMargins(0, 0, 0, 0);
    auto *setsTitle = new QLabel(tr("<b>Exemplar sets</b>"));
    m_setView = new QListView;
    m_setView->setObjectName("setView");
    m_setView->setModel(m_setModel);
    m_setView->setEditTriggers(QAbstractItemView::DoubleClicked |
                               QAbstractItemView::EditKeyPressed);
    auto *setButtons = new QHBoxLayout;
    auto *addSet = new QPushButton(tr("New"));
    auto *renameSet = new QPushButton(tr("Rename"));
    auto *deleteSet = new QPushButton(tr("Delete"));
    for (auto *b : {addSet, renameSet, deleteSet})
        setButtons->addWidget(b);
    setsLayout->addWidget(setsTitle);
    setsLayout->addWidget(m_setView);
    setsLayout->addLayout(setButtons);
    connect(addSet, &QPushButton::clicked, this, &ExemplarPanel::newSet);
    connect(renameSet, &QPushButton::clicked, this, &ExemplarPanel::renameCurrentSet);
    connect(deleteSet, &QPushButton::clicked, this, &ExemplarPanel::deleteCurrentSet);

    // Right: items of the current set.
    auto *itemsBox = new QWidget;
    auto *itemsLayout = new QVBoxLayout(itemsBox);
    itemsLayout->setContentsMargins(0, 0, 0, 0);
    auto *hint = new QLabel(tr("Drop audio files, folders or text here. "
                               "<b>Space</b> plays the selected clip, <b>Del</b> removes items."));
    hint->setWordWrap(true);
    m_itemView = new QListView;
    m_itemView->setObjectName("itemView");
    m_itemView->setModel(m_itemModel);
    m_itemView->setItemDelegate(m_delegate);
    m_itemView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_itemView->setUniformItemSizes(true);
    m_itemView->installEventFilter(this);
    auto *textRow = new QHBoxLayout;
    m_textEdit = new QLineEdit;
    m_textEdit->setObjectName("textEdit");
    m_textEdit->setPlaceholderText(tr("Describe the target sound, e.g. \"warm lo-fi chords\"…"));
    auto *addText = new QPushButton(tr("Add text"));
    textRow->addWidget(m_textEdit);
    textRow->addWidget(addText);
    auto commitText = [this] {
        addTextItems(m_textEdit->text());
        m_textEdit->clear();
    };
    connect(addText, &QPushButton::clicked, this, commitText);
    connect(m_textEdit, &QLineEdit::returnPressed, this, commitText);

    auto *progressRow = new QHBoxLayout;
    m_progress = new QProgressBar;
    m_progress->setFormat(tr("Importing %v of %m"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName("cancelImport");
    progressRow->addWidget(m_progress);
    progressRow->addWidget(m_cancel);
    m_progress->hide();
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, m_importer, &ImportController::cancel);

    m_problemsLabel = new QLabel;
    m_problems = new QListWidget;
    m_problems->setObjectName("problemList");
    m_problems->setMaximumHeight(110);
    m_clearProblems = new QPushButton(tr("Clear"));
    m_clearProblems->setObjectName("clearProblems");
    m_problemsLabel->hide();
    m_problems->hide();
    m_clearProblems->hide();
    connect(m_clearProblems, &QPushButton::clicked, this, [this] {
        m_problemsBySet.remove(currentSetId());
        showProblems();
    });

    itemsLayout->addWidget(hint);
    itemsLayout->addWidget(m_itemView, 1);
    itemsLayout->addLayout(textRow);
    itemsLayout->addLayout(progressRow);
    auto *problemsRow = new QHBoxLayout;
    problemsRow->addWidget(m_problemsLabel, 1);
    problemsRow->addWidget(m_clearProblems);
    itemsLayout->addLayout(problemsRow);
    itemsLayout->addWidget(m_problems);

    auto *splitter = new QSplitter;
    splitter->addWidget(setsBox);
    splitter->addWidget(itemsBox);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(splitter);

    auto *paste =
        new QShortcut(QKeySequence::Paste, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(paste, &QShortcut::activated, this,
            [this] { handleMimeData(QApplication::clipboard()->mimeData()); });

    connect(m_setView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ExemplarPanel::onCurrentSetChanged);
    connect(m_setModel, &QAbstractItemModel::modelReset, this, [this] {
        // Keep a set selected after resets (undo, open).
        const int index = m_document->indexOfSet(m_itemModel->setId());
        selectSet(index >= 0 ? index : 0);
    });
    connect(m_itemView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && !current.data(ItemListModel::IsTextRole).toBool())
                    m_playback->preload(current.data(ItemListModel::PathRole).toString());
            });
    connect(m_playback, &PlaybackController::positionChanged, this,
            [this](const QString &path, double seconds, double duration) {
                m_delegate->setPlayhead(path, duration > 0 ? seconds / duration : -1.0);
                m_itemView->viewport()->update();
            });

    connect(m_importer, &ImportController::filesReady, this,
            [this](int jobId, const QVector<ImportedFile> &files) {
                if (!m_jobs.contains(jobId))
                    return;
                Job &job = m_jobs[jobId];
                std::vector<dragon::ExemplarItem> items;
                for (const ImportedFile &f : files) {
                    m_waveforms->insert(f.path, {f.minima, f.maxima});
                    if (job.setId.isEmpty()) {
                        m_document->updateItemInfo(f.path, f.durationSeconds, f.sampleRate,
                                                   f.channels, false);
                        continue;
                    }
                    auto item = dragon::ExemplarItem::audio(f.path.toStdString());
                    item.durationSeconds = f.durationSeconds;
                    item.sampleRate = f.sampleRate;
                    item.channels = f.channels;
                    items.push_back(std::move(item));
                }
                job.added += int(items.size());
                m_document->addItems(job.setId, items, jobId);
                if (job.setId == currentSetId() && !items.empty())
                    m_itemView->scrollToBottom(); // new items come into view
            });
    connect(m_importer, &ImportController::fileFailed, this,
            [this](int jobId, const QString &path, const QString &reason) {
                QString setId;
                if (m_jobs.contains(jobId)) {
                    ++m_jobs[jobId].failed;
                    setId = m_jobs[jobId].setId;
                }
                reportProblem(setId, path, reason);
            });
    connect(m_importer, &ImportController::progress, this, [this](int, int done, int total) {
        m_progress->setMaximum(std::max(total, 1));
        m_progress->setValue(done);
    });
    connect(m_importer, &ImportController::finished, this, [this](int jobId, bool cancelled) {
        const Job job = m_jobs.take(jobId);
        if (m_jobs.isEmpty()) {
            m_progress->hide();
            m_cancel->hide();
        }
        if (!job.setId.isEmpty())
            Q_EMIT statusMessage(
                tr("Imported %n file(s)", nullptr, job.added) +
                (job.failed ? tr(", %n could not be used (see the list below)", nullptr, job.failed)
                            : QString()) +
                (cancelled ? tr(" — cancelled") : QString()));
        Q_EMIT importFinished(jobId, cancelled);
    });
    connect(m_document, &ProjectDocument::documentReset, this, [this] {
        m_problemsBySet.clear();
        showProblems();
    });
    selectSet(0);
}

QString ExemplarPanel::currentSetId() const
{
    return m_itemModel->setId();
}

void ExemplarPanel::selectSet(int row)
{
    if (row < 0 || row >= m_setModel->rowCount()) {
        m_itemModel->setSetId(QString());
        return;
    }
    m_setView->setCurrentIndex(m_setModel->index(row));
    onCurrentSetChanged();
}

void ExemplarPanel::onCurrentSetChanged()
{
    const QModelIndex current = m_setView->currentIndex();
    const QString id =
        current.isValid() ? current.data(SetListModel::SetIdRole).toString() : QString();
    if (id != m_itemModel->setId())
        m_itemModel->setSetId(id);
    showProblems();
}

QString ExemplarPanel::ensureSet()
{
    if (!currentSetId().isEmpty())
        return currentSetId();
    m_document->addSet(tr("Set %1").arg(m_document->setCount() + 1));
    selectSet(m_document->setCount() - 1);
    return currentSetId();
}

void ExemplarPanel::newSet()
{
    m_document->addSet(tr("Set %1").arg(m_document->setCount() + 1));
    selectSet(m_document->setCount() - 1);
    m_setView->edit(m_setView->currentIndex());
}

void ExemplarPanel::renameCurrentSet()
{
    if (m_setView->currentIndex().isValid())
        m_setView->edit(m_setView->currentIndex());
}

void ExemplarPanel::deleteCurrentSet()
{
    const QString id = currentSetId();
    if (id.isEmpty())
        return;
    const int row = m_document->indexOfSet(id);
    m_document->removeSet(id); // undoable, so no confirmation dialog
    selectSet(std::min(row, m_document->setCount() - 1));
    Q_EMIT statusMessage(tr("Set deleted (Edit ▸ Undo brings it back)"));
}

void ExemplarPanel::removeSelectedItems()
{
    QVector<int> rows;
    for (const QModelIndex &index : m_itemView->selectionModel()->selectedIndexes())
        rows << index.row();
    m_document->removeItems(currentSetId(), rows);
}

void ExemplarPanel::playSelected()
{
    const QModelIndex current = m_itemView->currentIndex();
    if (!current.isValid())
        return;
    if (current.data(ItemListModel::IsTextRole).toBool()) {
        Q_EMIT statusMessage(tr("Text items have no audio to play"));
        return;
    }
    if (current.data(ItemListModel::MissingRole).toBool()) {
        Q_EMIT statusMessage(
            tr("The file is missing: %1").arg(current.data(ItemListModel::PathRole).toString()));
        return;
    }
    m_playback->toggle(current.data(ItemListModel::PathRole).toString());
}

void ExemplarPanel::handleMimeData(const QMimeData *mime)
{
    if (!mime)
        return;
    QStringList paths;
    if (mime->hasUrls()) {
        for (const QUrl &url : mime->urls())
            if (url.isLocalFile())
                paths << url.toLocalFile();
    }
    if (!paths.isEmpty()) {
        importPaths(paths);
        return;
    }
    if (!mime->hasText())
        return;
    // Pasted or dropped text: a line that names an existing file or folder (or is a file://
    // URI) is audio to import; a web address is refused (nothing is downloaded); the rest are
    // text exemplars.
    QStringList texts;
    for (const QString &line : mime->text().split('\n')) {
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        const QUrl url(trimmed);
        if (url.isLocalFile() && trimmed.startsWith("file:", Qt::CaseInsensitive))
            paths << url.toLocalFile();
        else if (trimmed.startsWith("http://", Qt::CaseInsensitive) ||
                 trimmed.startsWith("https://", Qt::CaseInsensitive))
            reportProblem(ensureSet(), trimmed,
                          tr("a web address: nothing is downloaded; save the file and drop it "
                             "here"));
        else if (QFileInfo::exists(trimmed) && QFileInfo(trimmed).isAbsolute())
            paths << trimmed;
        else
            texts << trimmed;
    }
    if (!paths.isEmpty())
        importPaths(paths);
    if (!texts.isEmpty())
        addTextItems(texts.join('\n'));
}

void ExemplarPanel::importPaths(const QStringList &paths)
{
    const QString setId = ensureSet();
    const int jobId = m_importer->start(paths);
    m_jobs.insert(jobId, Job{setId});
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
}

void ExemplarPanel::scanProjectAudio()
{
    QStringList paths;
    for (int s = 0; s < m_document->setCount(); ++s)
        for (const auto &item : m_document->set(s).items)
            if (item.kind == dragon::ExemplarItem::Kind::Audio) {
                if (item.missing)
                    reportProblem(QString::fromStdString(m_document->set(s).id),
                                  QString::fromStdString(item.path),
                                  tr("missing: the project refers to it but it is not there"));
                else
                    paths << QString::fromStdString(item.path);
            }
    if (paths.isEmpty())
        return;
    const int jobId = m_importer->start(paths);
    m_jobs.insert(jobId, Job{});
}

void ExemplarPanel::addTextItems(const QString &text)
{
    std::vector<dragon::ExemplarItem> items;
    for (const QString &line : text.split('\n')) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            items.push_back(dragon::ExemplarItem::textItem(trimmed.toStdString()));
    }
    if (items.empty())
        return;
    m_document->addItems(ensureSet(), items);
    m_itemView->scrollToBottom();
}

void ExemplarPanel::reportProblem(const QString &setId, const QString &path, const QString &reason)
{
    QString owner = setId;
    if (owner.isEmpty()) { // a scan of an opened project: the set that refers to the file
        for (int s = 0; s < m_document->setCount() && owner.isEmpty(); ++s)
            for (const auto &item : m_document->set(s).items)
                if (QString::fromStdString(item.path) == path)
                    owner = QString::fromStdString(m_document->set(s).id);
        if (owner.isEmpty())
            owner = currentSetId();
    }
    m_problemsBySet[owner].append({path, reason});
    if (owner == currentSetId())
        showProblems();
}

void ExemplarPanel::showProblems()
{
    const auto problems = m_problemsBySet.value(currentSetId());
    m_problems->clear();
    for (const auto &[path, reason] : problems) {
        const bool file = !path.contains("://");
        m_problems->addItem(tr("%1 — %2").arg(file ? QFileInfo(path).fileName() : path, reason));
        m_problems->item(m_problems->count() - 1)->setToolTip(path);
    }
    m_problemsLabel->setText(
        tr("<b>%n item(s) of this set could not be used:</b>", nullptr, int(problems.size())));
    m_problemsLabel->setVisible(!problems.isEmpty());
    m_problems->setVisible(!problems.isEmpty());
    m_clearProblems->setVisible(!problems.isEmpty());
}

void ExemplarPanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasText())
        event->acceptProposedAction();
}

void ExemplarPanel::dragMoveEvent(QDragMoveEvent *event)
{
    event->acceptProposedAction();
}

void ExemplarPanel::dropEvent(QDropEvent *event)
{
    handleMimeData(event->mimeData());
    event->acceptProposedAction();
}

bool ExemplarPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_itemView && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier) {
            playSelected();
            return true;
        }
        if (key->matches(QKeySequence::Delete) || key->key() == Qt::Key_Backspace) {
            removeSelectedItems();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}
