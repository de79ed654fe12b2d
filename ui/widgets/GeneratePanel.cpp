#include "widgets/GeneratePanel.h"

#include "facade/GeneratorService.h"
#include "playback/PlaybackController.h"
#include "widgets/GeneratorPicker.h"
#include "workers/GenerationController.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>

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
    m_progress->setFormat(tr("step %v of %m"));
    m_progress->setValue(0);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_results = new ClipList;
    m_results->setObjectName("generatedClips");
    m_results->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_results->setDragEnabled(true);
    m_results->installEventFilter(this);

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
    layout->addWidget(new QLabel(tr(
        "<b>Generated clips</b> — Space or double-click plays; drag them into an exemplar set")));
    layout->addWidget(m_results, 1);

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
    connect(
        m_controller, &GenerationController::finished, this,
        [this](const QVector<GeneratedItem> &items, const QStringList &notes) {
            setRunning(false);
            // Newest batch on top, in seed order.
            for (auto it = items.crbegin(); it != items.crend(); ++it) {
                const GeneratedItem &g = *it;
                const QString prompt =
                    g.prompt.isEmpty() ? tr("(unconditional)") : "“" + g.prompt + "”";
                auto *item = new QListWidgetItem(tr("%1 — seed %2 · %3 steps · guidance %4 · %5 s")
                                                     .arg(prompt)
                                                     .arg(g.seed)
                                                     .arg(g.steps)
                                                     .arg(g.guidance, 0, 'f', 1)
                                                     .arg(g.seconds, 0, 'f', 1));
                item->setData(kPathRole, g.path);
                item->setToolTip(g.path);
                m_results->insertItem(0, item);
            }
            m_results->setCurrentRow(0);
            m_status->setText(notes.isEmpty()
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
