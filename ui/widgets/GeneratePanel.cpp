#include "widgets/GeneratePanel.h"

#include "audio/AudioFileReader.h"
#include "audio/WaveformPeaks.h"
#include "document/ProjectDocument.h"
#include "facade/GeneratorService.h"
#include "playback/PlaybackController.h"
#include "widgets/GeneratorPicker.h"
#include "workers/GenerationController.h"
#include "workers/ThreadHandover.h"

#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {
constexpr int kPathRole = Qt::UserRole + 1;

// Result list whose items drag out as files (into exemplar sets or a file manager).
class ClipList : public QListWidget
{
public:
    using QListWidget::QListWidget;

protected:
    QMimeData *mimeData(const QList<QListWidgetItem *> &items) const override
    {
        auto *mime = new QMimeData;
        QList<QUrl> urls;
        for (const auto *item : items)
            urls << QUrl::fromLocalFile(item->data(kPathRole).toString());
        mime->setUrls(urls);
        return mime;
    }
};

constexpr int kSetIdRole = Qt::UserRole + 2;
const QSize kThumbnail(120, 28);

// Set names that take dropped clips: a drop on a row adds the files to that set.
class SetDropList : public QListWidget
{
public:
    std::function<void(const QString &setId, const QStringList &paths)> dropped;

protected:
    void dragEnterEvent(QDragEnterEvent *event) override
    {
        if (event->mimeData()->hasUrls())
            event->acceptProposedAction();
    }
    void dragMoveEvent(QDragMoveEvent *event) override
    {
        const QListWidgetItem *item = itemAt(event->position().toPoint());
        if (item && event->mimeData()->hasUrls())
            event->acceptProposedAction();
        else
            event->ignore();
    }
    void dropEvent(QDropEvent *event) override
    {
        const QListWidgetItem *item = itemAt(event->position().toPoint());
        QStringList paths;
        for (const QUrl &url : event->mimeData()->urls())
            if (url.isLocalFile())
                paths << url.toLocalFile();
        if (!item || paths.isEmpty() || !dropped)
            return event->ignore();
        dropped(item->data(kSetIdRole).toString(), paths);
        event->acceptProposedAction();
    }
};

// A waveform thumbnail (min/max peaks), drawn off the GUI thread.
QImage thumbnailOf(const QString &path)
{
    QImage image(kThumbnail, QImage::Format_ARGB32_Premultiplied);
    image.fill(QColor(30, 30, 36));
    try {
        const auto peaks = dragon::WaveformPeaks::fromFile(path.toStdString(), kThumbnail.width());
        QPainter p(&image);
        p.setPen(QColor(120, 190, 255));
        const double mid = kThumbnail.height() / 2.0, half = mid - 1;
        for (std::size_t x = 0; x < peaks.maxima.size(); ++x)
            p.drawLine(QPointF(double(x), mid - peaks.maxima[x] * half),
                       QPointF(double(x), mid - peaks.minima[x] * half));
    } catch (const std::exception &) {
        image.fill(QColor(90, 30, 30)); // unreadable: a red tile (the tooltip has the path)
    }
    return image;
}
} // namespace

GeneratePanel::GeneratePanel(PlaybackController *playback, QWidget *parent)
    : QWidget(parent), m_playback(playback), m_controller(new GenerationController(this)),
      m_checkpoint("pocket"),
      m_outputDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                  "/generations")
{
    m_prompt = new QLineEdit;
    m_prompt->setObjectName("prompt");
    m_prompt->setPlaceholderText(
        tr("e.g. \"a slow dreamy ambient track in d minor\" (empty: unconditional)"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 2147483647);
    m_steps = new QSpinBox;
    m_steps->setRange(1, 1000);
    m_steps->setValue(20);
    m_steps->setToolTip(tr("Sampler steps (DDIM). More is slower and usually cleaner."));
    m_guidance = new QDoubleSpinBox;
    m_guidance->setRange(0.0, 20.0);
    m_guidance->setSingleStep(0.5);
    m_guidance->setValue(3.0);
    m_guidance->setToolTip(
        tr("Classifier-free guidance: 1 = none, higher follows the prompt more."));
    m_count = new QSpinBox;
    m_count->setRange(1, 16);
    m_count->setValue(4);
    m_generate = new QPushButton(tr("Generate"));
    m_generate->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setObjectName("generateProgress");
    m_progress->setFormat(QString()); // nothing to count until a generation starts
    m_progress->setValue(0);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_results = new ClipList;
    m_results->setObjectName("generatedClips");
    m_results->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_results->setDragEnabled(true);
    m_results->setIconSize(kThumbnail);
    m_results->installEventFilter(this);
    m_results->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_results, &QWidget::customContextMenuRequested, this, &GeneratePanel::showContextMenu);
    auto *targets = new SetDropList;
    targets->dropped = [this](const QString &setId, const QStringList &paths) {
        addToSet(setId, paths);
    };
    m_setTargets = targets;
    m_setTargets->setObjectName("setTargets");
    m_setTargets->setAcceptDrops(true);
    m_setTargets->setDragDropMode(QAbstractItemView::DropOnly);
    m_setTargets->setMaximumWidth(220);
    m_setTargets->setToolTip(tr("Drop clips on a set to add them to it"));
    ThreadHandover::onTaskFinished(&m_thumbnails, this, &GeneratePanel::onThumbnails);

    m_picker = new GeneratorPicker;
    connect(m_picker, &GeneratorPicker::specChanged, this,
            [this](const QString &spec) { m_checkpoint = spec; });
    auto *form = new QFormLayout;
    form->addRow(m_picker);
    form->addRow(tr("Prompt"), m_prompt);
    auto *numbers = new QHBoxLayout;
    for (auto [label, box] : {std::pair<QString, QWidget *>{tr("Seed"), m_seed},
                              {tr("Steps"), m_steps},
                              {tr("Guidance"), m_guidance},
                              {tr("Batch"), m_count}}) {
        numbers->addWidget(new QLabel(label));
        numbers->addWidget(box);
    }
    numbers->addStretch();
    form->addRow(numbers);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_generate);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(new QLabel(tr("<b>Generated clips</b> — Space or double-click plays; "
                                    "right-click or drop them on a set to add them")));
    auto *lists = new QHBoxLayout;
    lists->addWidget(m_results, 1);
    auto *targetsColumn = new QVBoxLayout;
    targetsColumn->addWidget(new QLabel(tr("Exemplar sets")));
    targetsColumn->addWidget(m_setTargets, 1);
    auto *openFolder = new QPushButton(tr("Open generations folder"));
    openFolder->setObjectName("openGenerations");
    connect(openFolder, &QPushButton::clicked, this, [this] {
        QDir().mkpath(m_outputDir);
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_outputDir));
    });
    targetsColumn->addWidget(openFolder);
    lists->addLayout(targetsColumn);
    layout->addLayout(lists, 1);

    connect(m_generate, &QPushButton::clicked, this, &GeneratePanel::startGeneration);
    connect(m_prompt, &QLineEdit::returnPressed, this, &GeneratePanel::startGeneration);
    connect(m_cancel, &QPushButton::clicked, m_controller, &GenerationController::cancel);
    connect(m_results, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem *item) {
        m_playback->toggle(item->data(kPathRole).toString());
    });
    connect(m_controller, &GenerationController::progress, this, [this](int done, int total) {
        m_progress->setMaximum(total);
        m_progress->setValue(done);
    });
    connect(m_controller, &GenerationController::finished, this,
            [this](const QVector<GeneratedItem> &items, const QStringList &notes) {
                setRunning(false);
                // Newest batch on top, in seed order.
                QStringList paths;
                for (auto it = items.crbegin(); it != items.crend(); ++it) {
                    addClipItem(*it, 0);
                    paths << it->path;
                }
                requestThumbnails(paths);
                m_results->clearSelection(); // only the newest clip is highlighted
                m_results->setCurrentRow(0);
                m_status->setText(
                    notes.isEmpty()
                        ? tr("Generated %n clip(s).", nullptr, int(items.size()))
                        : tr("Generated %n clip(s). Note: ", nullptr, int(items.size())) +
                              notes.join("; "));
                Q_EMIT generationDone(true);
            });
    connect(m_controller, &GenerationController::cancelled, this, [this] {
        setRunning(false);
        m_status->setText(tr("Cancelled."));
        Q_EMIT generationDone(false);
    });
    connect(m_controller, &GenerationController::failed, this, [this](const QString &message) {
        setRunning(false);
        m_status->setText(tr("<span style='color:#c33'>Generation failed: %1</span>")
                              .arg(message.toHtmlEscaped()));
        Q_EMIT generationDone(false);
    });
}

void GeneratePanel::setCheckpoint(const QString &path)
{
    m_checkpoint = path;
    m_picker->setSpec(
        path == QString::fromStdString(dragon::GeneratorService::defaultPocketCheckpoint())
            ? "pocket"
            : path);
}

void GeneratePanel::setRunning(bool running)
{
    m_generate->setEnabled(!running);
    m_cancel->setEnabled(running);
    if (running) {
        m_progress->setFormat(tr("step %v of %m"));
        m_progress->setMaximum(m_steps->value());
        m_progress->setValue(0);
    }
}

void GeneratePanel::startGeneration()
{
    if (m_controller->isBusy())
        return;
    setRunning(true);
    m_status->setText(tr("Generating…"));
    m_controller->start(m_checkpoint, m_outputDir, m_prompt->text(), quint64(m_seed->value()),
                        m_steps->value(), m_guidance->value(), m_count->value());
}

bool GeneratePanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_results && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Space) {
        if (auto *item = m_results->currentItem())
            m_playback->toggle(item->data(kPathRole).toString());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void GeneratePanel::addClipItem(const GeneratedItem &g, int row)
{
    const QString prompt = g.prompt.isEmpty() ? tr("(unconditional)") : "“" + g.prompt + "”";
    auto *item = new QListWidgetItem(tr("%1 — seed %2 · %3 steps · guidance %4 · %5 s")
                                         .arg(prompt)
                                         .arg(g.seed)
                                         .arg(g.steps)
                                         .arg(g.guidance, 0, 'f', 1)
                                         .arg(g.seconds, 0, 'f', 1));
    item->setData(kPathRole, g.path);
    item->setToolTip(g.path);
    m_results->insertItem(row, item);
}

void GeneratePanel::setOutputDir(const QString &dir)
{
    m_outputDir = dir;
    m_results->clear();
    // The clips already there, newest first (names start with their time stamp). A sidecar
    // that is missing or damaged leaves only the file name.
    QDir folder(dir);
    const QStringList wavs = folder.entryList({"*.wav"}, QDir::Files, QDir::Name | QDir::Reversed);
    QStringList paths;
    for (const QString &name : wavs) {
        GeneratedItem g;
        g.path = folder.absoluteFilePath(name);
        QFile sidecar(folder.absoluteFilePath(QFileInfo(name).completeBaseName() + ".json"));
        const QJsonObject json = sidecar.open(QIODevice::ReadOnly)
                                     ? QJsonDocument::fromJson(sidecar.readAll()).object()
                                     : QJsonObject();
        g.prompt = json.value("prompt").toString(name);
        g.seed = json.value("seed").toString().toULongLong();
        g.steps = json.value("steps").toInt();
        g.guidance = json.value("guidance").toDouble();
        g.seconds = json.value("seconds").toDouble();
        addClipItem(g, m_results->count());
        paths << g.path;
    }
    requestThumbnails(paths);
}

void GeneratePanel::requestThumbnails(const QStringList &paths)
{
    m_thumbnailQueue << paths;
    if (m_thumbnails.isRunning() || m_thumbnailQueue.isEmpty())
        return;
    const QStringList batch = m_thumbnailQueue;
    m_thumbnailQueue.clear();
    m_thumbnails.setFuture(QtConcurrent::run(ThreadHandover::task(&m_thumbnails, [batch] {
        QVector<QPair<QString, QImage>> images;
        for (const QString &path : batch)
            images.append({path, thumbnailOf(path)});
        return images;
    })));
}

void GeneratePanel::onThumbnails()
{
    const auto images = m_thumbnails.result();
    for (int row = 0; row < m_results->count(); ++row) {
        QListWidgetItem *item = m_results->item(row);
        for (const auto &[path, image] : images)
            if (item->data(kPathRole).toString() == path)
                item->setIcon(QIcon(QPixmap::fromImage(image)));
    }
    requestThumbnails({});
}

int GeneratePanel::thumbnailCount() const
{
    int n = 0;
    for (int row = 0; row < m_results->count(); ++row)
        n += m_results->item(row)->icon().isNull() ? 0 : 1;
    return n;
}

void GeneratePanel::setDocument(ProjectDocument *document)
{
    m_document = document;
    connect(document, &ProjectDocument::setsChanged, this, &GeneratePanel::rebuildSetTargets);
    connect(document, &ProjectDocument::documentReset, this, &GeneratePanel::rebuildSetTargets);
    rebuildSetTargets();
}

void GeneratePanel::rebuildSetTargets()
{
    m_setTargets->clear();
    if (!m_document)
        return;
    for (const auto &set : m_document->project().exemplarSets) {
        auto *item = new QListWidgetItem(QString::fromStdString(set.name));
        item->setData(kSetIdRole, QString::fromStdString(set.id));
        m_setTargets->addItem(item);
    }
}

QStringList GeneratePanel::selectedPaths() const
{
    QStringList paths;
    for (const QListWidgetItem *item : m_results->selectedItems())
        paths << item->data(kPathRole).toString();
    if (paths.isEmpty() && m_results->currentItem())
        paths << m_results->currentItem()->data(kPathRole).toString();
    return paths;
}

void GeneratePanel::showContextMenu(const QPoint &pos)
{
    if (!m_document || !m_results->itemAt(pos))
        return;
    if (!m_results->itemAt(pos)->isSelected()) {
        m_results->clearSelection();
        m_results->setCurrentItem(m_results->itemAt(pos));
    }
    QMenu menu;
    QMenu *sets = menu.addMenu(tr("Add to set"));
    for (const auto &set : m_document->project().exemplarSets) {
        const QString id = QString::fromStdString(set.id);
        sets->addAction(QString::fromStdString(set.name), this,
                        [this, id] { addToSet(id, selectedPaths()); });
    }
    if (!sets->isEmpty())
        sets->addSeparator();
    sets->addAction(tr("New set"), this, [this] {
        m_document->addSet(tr("Generated clips"));
        addToSet(QString::fromStdString(m_document->project().exemplarSets.back().id),
                 selectedPaths());
    });
    menu.exec(m_results->viewport()->mapToGlobal(pos));
}

bool GeneratePanel::addToSet(const QString &setId, const QStringList &paths)
{
    const dragon::ExemplarSet *set =
        m_document ? m_document->project().findSet(setId.toStdString()) : nullptr;
    if (!set || paths.isEmpty())
        return false;
    const QString name = QString::fromStdString(set->name);
    std::vector<dragon::ExemplarItem> items;
    for (const QString &path : paths) {
        auto item = dragon::ExemplarItem::audio(path.toStdString());
        try {
            const auto info = dragon::AudioFileReader::probe(path.toStdString());
            item.durationSeconds = info.durationSeconds();
            item.sampleRate = info.sampleRate;
            item.channels = info.channels;
        } catch (const std::exception &e) {
            m_status->setText(
                tr("Cannot add %1: %2")
                    .arg(QFileInfo(path).fileName(), QString::fromStdString(e.what())));
            return false;
        }
        items.push_back(item);
    }
    m_document->addItems(setId, items);
    m_status->setText(
        tr("Added %n clip(s) to the set “%1”.", nullptr, int(items.size())).arg(name));
    return true;
}
