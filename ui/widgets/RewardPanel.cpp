#include "widgets/RewardPanel.h"

#include "document/ProjectDocument.h"
#include "encoders/EmbeddingCache.h"
#include "encoders/EncoderFactory.h"
#include "project/ProjectFolder.h"
#include "rewards/RewardParameter.h"
#include "workers/EmbeddingController.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace {

constexpr const char *kLoadPlugin = "__load_torchscript__";
enum TermColumn
{
    TypeColumn,
    SetColumn,
    DirectionColumn,
    WeightColumn,
    ParameterColumn,
    ScaleColumn,
    TermColumns
};

} // namespace

RewardPanel::RewardPanel(ProjectDocument *document, EmbeddingController *embeddings,
                         QWidget *parent)
    : QWidget(parent), m_document(document), m_embeddings(embeddings),
      m_encoderCombo(new QComboBox), m_encoderLabel(new QLabel), m_sets(new QTableWidget(0, 3)),
      m_compute(new QPushButton(tr("Compute embeddings"))), m_cancel(new QPushButton(tr("Cancel"))),
      m_progress(new QProgressBar), m_terms(new QTableWidget(0, TermColumns)),
      m_validation(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    auto *encoderRow = new QHBoxLayout;
    encoderRow->addWidget(new QLabel(tr("<b>Encoder</b>")));
    encoderRow->addWidget(m_encoderCombo, 1);
    encoderRow->addWidget(m_encoderLabel, 2);
    layout->addLayout(encoderRow);
    m_encoderCombo->setObjectName("encoderCombo");
    m_encoderLabel->setObjectName("encoderStatus");
    m_encoderLabel->setWordWrap(true);

    auto *setsBox = new QGroupBox(tr("Exemplar set embeddings"));
    auto *setsLayout = new QVBoxLayout(setsBox);
    m_sets->setObjectName("embeddingTable");
    m_sets->setHorizontalHeaderLabels({tr("Set"), tr("Items"), tr("Embeddings")});
    m_sets->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_sets->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_sets->verticalHeader()->hide();
    m_sets->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sets->setSelectionBehavior(QAbstractItemView::SelectRows);
    setsLayout->addWidget(m_sets);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_compute);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    setsLayout->addLayout(buttons);
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);
    layout->addWidget(setsBox, 1);

    auto *rewardBox = new QGroupBox(tr("Reward"));
    auto *rewardLayout = new QVBoxLayout(rewardBox);
    m_terms->setObjectName("termTable");
    m_terms->setHorizontalHeaderLabels({tr("Kind"), tr("Exemplar set"), tr("Direction"),
                                        tr("Weight"), tr("Parameter"), tr("Scale")});
    m_terms->horizontalHeaderItem(ScaleColumn)
        ->setToolTip(tr("Each term's spread over the last preview's batch: a multi-term reward "
                        "divides each term by it, so a weight of 1 means one such spread"));
    m_terms->horizontalHeader()->setSectionResizeMode(TypeColumn, QHeaderView::Stretch);
    m_terms->horizontalHeader()->setSectionResizeMode(SetColumn, QHeaderView::Stretch);
    for (int column : {WeightColumn, ParameterColumn, ScaleColumn})
        m_terms->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    // The direction's longest label stays readable however narrow the window gets.
    m_terms->horizontalHeader()->setSectionResizeMode(DirectionColumn, QHeaderView::Fixed);
    m_terms->horizontalHeader()->resizeSection(
        DirectionColumn, fontMetrics().horizontalAdvance(tr("Minimise (toward)")) + 48);
    m_terms->verticalHeader()->hide();
    m_terms->setSelectionBehavior(QAbstractItemView::SelectRows);
    rewardLayout->addWidget(m_terms);
    auto *termButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add term"));
    auto *remove = new QPushButton(tr("Remove term"));
    termButtons->addWidget(add);
    termButtons->addWidget(remove);
    termButtons->addStretch();
    rewardLayout->addLayout(termButtons);
    m_validation->setObjectName("rewardValidation");
    m_validation->setWordWrap(true);
    rewardLayout->addWidget(m_validation);
    layout->addWidget(rewardBox, 1);

    connect(m_compute, &QPushButton::clicked, this, &RewardPanel::computeAll);
    connect(m_cancel, &QPushButton::clicked, this, &RewardPanel::cancel);
    connect(add, &QPushButton::clicked, this, &RewardPanel::addTerm);
    connect(remove, &QPushButton::clicked, this, &RewardPanel::removeCurrentTerm);
    connect(m_encoderCombo, &QComboBox::activated, this, &RewardPanel::onEncoderActivated);

    connect(document, &ProjectDocument::documentReset, this, &RewardPanel::reloadFromDocument);
    connect(document, &ProjectDocument::setsChanged, this, [this] {
        rebuildSets();
        rebuildTerms();
    });
    connect(document, &ProjectDocument::itemsChanged, this, [this](const QString &setId) {
        m_status.remove(setId); // its embeddings are out of date
        rebuildSets();
        validate();
    });
    connect(document, &ProjectDocument::rewardChanged, this, [this] {
        if (m_updating)
            return;
        // Undo and redo can change the encoder too.
        const QString spec = QString::fromStdString(m_document->project().reward.encoder);
        if (spec != m_encoder.spec && m_encoderCombo->currentData().toString() != spec)
            switchToEncoder(spec);
        rebuildTerms();
    });

    connect(embeddings, &EmbeddingController::encoderLoaded, this, [this](const EncoderInfo &info) {
        if (info.spec == m_pendingPlugin) { // a plug-in passed validation: offer and choose it
            m_pendingPlugin.clear();
            if (!m_pluginPaths.contains(info.spec))
                m_pluginPaths << info.spec;
            rebuildEncoderCombo();
            chooseEncoder(info.spec);
            Q_EMIT statusMessage(
                info.integrityWarning.isEmpty()
                    ? tr("Loaded encoder %1").arg(info.name)
                    : tr("Loaded encoder %1 (%2)").arg(info.name, info.integrityWarning));
        }
        if (info.spec == QString::fromStdString(m_document->project().reward.encoder)) {
            m_encoder = info;
            m_encoderError.clear();
            m_encoderLabel->setStyleSheet(QString());
            m_encoderLabel->setText(encoderStatus());
            validate();
            loadCachedEmbeddings();
        }
    });
    connect(embeddings, &EmbeddingController::encoderFailed, this,
            [this](const QString &spec, const QString &message) {
                if (spec == m_pendingPlugin)
                    m_pendingPlugin.clear();
                m_encoderError = message;
                m_encoderLabel->setStyleSheet("color: #b00020");
                m_encoderLabel->setText(tr("Cannot use this encoder: %1").arg(message));
                Q_EMIT statusMessage(tr("Encoder refused: %1").arg(message));
                rebuildEncoderCombo(); // back to the document's encoder
            });
    connect(embeddings, &EmbeddingController::progress, this,
            [this](const QString &setId, int done, int total, int hits) {
                m_progress->setVisible(true);
                m_progress->setMaximum(total);
                m_progress->setValue(done);
                m_status[setId] =
                    tr("Computing %1 / %2 (%3 from cache)...").arg(done).arg(total).arg(hits);
                rebuildSets();
            });
    connect(embeddings, &EmbeddingController::finished, this, [this](const EmbeddingSummary &s) {
        QString text = tr("%n embedded", nullptr, s.embedded + s.texts);
        if (s.texts > 0)
            text += tr(" (%n text)", nullptr, s.texts);
        text += tr(", %1 from cache, %2 s").arg(s.cacheHits).arg(s.seconds, 0, 'f', 1);
        if (!s.problems.isEmpty())
            text +=
                tr("; %n problem(s): ", nullptr, int(s.problems.size())) + s.problems.join("; ");
        if (!s.unknownWords.isEmpty())
            text += "; " + s.unknownWords;
        const auto *set = m_document->project().findSet(s.setId.toStdString());
        if (set && set->items.empty())
            text = tr("Empty set: add audio or text");
        m_status[s.setId] = text;
        rebuildSets();
    });
    connect(embeddings, &EmbeddingController::cancelled, this, [this](const QString &setId) {
        m_status[setId] = tr("Cancelled");
        rebuildSets();
    });
    connect(embeddings, &EmbeddingController::failed, this,
            [this](const QString &setId, const QString &message) {
                m_status[setId] = tr("Failed: %1").arg(message);
                rebuildSets();
            });
    connect(embeddings, &EmbeddingController::idle, this, [this] {
        m_compute->setEnabled(true);
        m_cancel->setEnabled(false);
        m_progress->setVisible(false);
        Q_EMIT embeddingsIdle();
    });
    reloadFromDocument();
}

QString RewardPanel::cacheDirectory() const
{
    return QString::fromStdString(dragon::ProjectFolder::embeddingCache(
        m_document->filePath().toStdString(),
        QStandardPaths::writableLocation(QStandardPaths::CacheLocation).toStdString()));
}

QString RewardPanel::encoderStatus() const
{
    if (!m_encoderError.isEmpty())
        return tr("Cannot use this encoder: %1").arg(m_encoderError);
    if (m_encoder.spec.isEmpty())
        return tr("Loading encoder...");
    return tr("%1-d · %2 · id %3")
        .arg(m_encoder.dimension)
        .arg(m_encoder.textTower ? tr("audio + text") : tr("audio only"))
        .arg(m_encoder.id.left(40));
}

bool RewardPanel::encoderHasText() const
{
    const std::string spec = m_document->project().reward.encoder;
    if (m_encoder.spec == QString::fromStdString(spec))
        return m_encoder.textTower;
    for (const auto &choice : dragon::builtInEncoders())
        if (choice.key == spec)
            return choice.textTower;
    return false;
}

void RewardPanel::reloadFromDocument()
{
    m_status.clear();
    const QString spec = QString::fromStdString(m_document->project().reward.encoder);
    bool builtIn = false;
    for (const auto &choice : dragon::builtInEncoders())
        builtIn |= QString::fromStdString(choice.key) == spec;
    if (!builtIn && !spec.isEmpty() && !m_pluginPaths.contains(spec))
        m_pluginPaths << spec;
    rebuildEncoderCombo();
    m_encoder = {};
    m_encoderError.clear();
    m_encoderLabel->setStyleSheet(QString());
    m_encoderLabel->setText(encoderStatus());
    m_embeddings->loadEncoder(spec);
    rebuildSets();
    rebuildTerms();
}

void RewardPanel::rebuildEncoderCombo()
{
    const QSignalBlocker block(m_encoderCombo);
    m_encoderCombo->clear();
    for (const auto &choice : dragon::builtInEncoders())
        m_encoderCombo->addItem(QString::fromStdString(choice.label),
                                QString::fromStdString(choice.key));
    for (const QString &path : m_pluginPaths)
        m_encoderCombo->addItem(tr("%1 (TorchScript)").arg(QFileInfo(path).fileName()), path);
    m_encoderCombo->addItem(tr("Load TorchScript encoder..."), QString(kLoadPlugin));
    const int current =
        m_encoderCombo->findData(QString::fromStdString(m_document->project().reward.encoder));
    m_encoderCombo->setCurrentIndex(std::max(0, current));
}

void RewardPanel::onEncoderActivated(int index)
{
    const QString spec = m_encoderCombo->itemData(index).toString();
    if (spec == kLoadPlugin) {
        rebuildEncoderCombo(); // keep showing the current encoder while the dialog is open
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load TorchScript encoder"), QString(),
                                         tr("TorchScript (*.pt *.ts *.pth);;All files (*)"));
        if (!path.isEmpty())
            loadEncoderFile(path);
        return;
    }
    chooseEncoder(spec);
}

void RewardPanel::loadEncoderFile(const QString &path)
{
    m_pendingPlugin = path;
    m_encoderLabel->setText(tr("Checking %1...").arg(QFileInfo(path).fileName()));
    m_embeddings->loadEncoder(path);
}

void RewardPanel::chooseEncoder(const QString &spec)
{
    dragon::RewardDefinition reward = m_document->project().reward;
    if (reward.encoder == spec.toStdString())
        return;
    reward.encoder = spec.toStdString();
    m_updating = true;
    m_document->setReward(reward);
    m_updating = false;
    switchToEncoder(spec);
    validate();
}

void RewardPanel::switchToEncoder(const QString &spec)
{
    m_status.clear(); // embeddings belong to the previous encoder
    m_encoder = {};
    m_encoderError.clear();
    m_encoderLabel->setStyleSheet(QString());
    m_encoderLabel->setText(encoderStatus());
    rebuildEncoderCombo();
    m_embeddings->loadEncoder(spec);
    rebuildSets();
}

void RewardPanel::rebuildSets()
{
    const auto &project = m_document->project();
    m_sets->setRowCount(int(project.exemplarSets.size()));
    for (int row = 0; row < int(project.exemplarSets.size()); ++row) {
        const auto &set = project.exemplarSets[std::size_t(row)];
        const QString id = QString::fromStdString(set.id);
        auto *name = new QTableWidgetItem(QString::fromStdString(set.name));
        name->setData(Qt::UserRole, id);
        m_sets->setItem(row, 0, name);
        m_sets->setItem(row, 1, new QTableWidgetItem(QString::number(set.items.size())));
        m_sets->setItem(row, 2, new QTableWidgetItem(m_status.value(id, tr("Not computed"))));
        m_sets->item(row, 2)->setToolTip(
            m_status.value(id, tr("Not computed yet: Compute embeddings makes them now; "
                                  "Preview and Start compute what they need, and all three "
                                  "keep them in the project's cache")));
    }
}

void RewardPanel::computeAll()
{
    const auto &project = m_document->project();
    if (project.exemplarSets.empty()) {
        Q_EMIT statusMessage(tr("No exemplar sets to embed"));
        return;
    }
    m_compute->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setVisible(true);
    m_progress->setValue(0);
    const QString spec = QString::fromStdString(project.reward.encoder);
    for (const auto &set : project.exemplarSets) {
        m_status[QString::fromStdString(set.id)] = tr("Queued");
        m_embeddings->enqueue(set, spec, cacheDirectory());
    }
    rebuildSets();
}

void RewardPanel::loadCachedEmbeddings()
{
    // Only when nothing was computed or queued for this encoder in this window yet: the sets'
    // column would otherwise say "Not computed" for embeddings a run or an earlier session
    // already made (what is not in the cache any more is computed, in the background, as
    // Compute would; Cancel stops it).
    if (!m_status.isEmpty() || m_embeddings->isBusy() || m_document->filePath().isEmpty() ||
        m_document->project().exemplarSets.empty() ||
        !dragon::EmbeddingCache::holdsEntriesOf(cacheDirectory().toStdString(),
                                                m_encoder.id.toStdString()))
        return;
    computeAll(); // quietly: the status bar keeps saying which project opened
}

void RewardPanel::cancel()
{
    m_embeddings->cancel();
    for (auto it = m_status.begin(); it != m_status.end(); ++it)
        if (it.value() == tr("Queued"))
            it.value() = tr("Cancelled");
    rebuildSets();
}

void RewardPanel::addTerm()
{
    dragon::RewardDefinition reward = m_document->project().reward;
    dragon::RewardTerm term;
    if (!m_document->project().exemplarSets.empty())
        term.exemplarSet = m_document->project().exemplarSets.front().id;
    reward.terms.push_back(term);
    m_document->setReward(reward); // rebuilds the form through rewardChanged
}

void RewardPanel::removeCurrentTerm()
{
    const int row = m_terms->currentRow();
    dragon::RewardDefinition reward = m_document->project().reward;
    if (row < 0 || row >= int(reward.terms.size()))
        return;
    reward.terms.erase(reward.terms.begin() + row);
    m_document->setReward(reward);
}

void RewardPanel::rebuildTerms()
{
    const auto &project = m_document->project();
    const auto &terms = project.reward.terms;
    m_updating = true;
    m_terms->setRowCount(int(terms.size()));
    for (int row = 0; row < int(terms.size()); ++row) {
        const auto &term = terms[std::size_t(row)];
        auto *type = new QComboBox;
        for (const auto &info : dragon::rewardTypes())
            type->addItem(QString::fromStdString(info.label), QString::fromStdString(info.key));
        type->setCurrentIndex(std::max(0, type->findData(QString::fromStdString(term.type))));
        const auto *info = dragon::findRewardType(term.type);

        auto *set = new QComboBox;
        set->addItem(info && info->needsExemplars ? tr("(choose a set)") : tr("(not used)"),
                     QString());
        for (const auto &s : project.exemplarSets)
            set->addItem(QString::fromStdString(s.name), QString::fromStdString(s.id));
        set->setEnabled(info && info->needsExemplars);
        set->setCurrentIndex(
            set->isEnabled() ? std::max(0, set->findData(QString::fromStdString(term.exemplarSet)))
                             : 0);

        auto *direction = new QComboBox;
        const bool lower = info && info->lowerIsBetter;
        direction->addItem(lower ? tr("Minimise (toward)") : tr("Maximise (toward)"), false);
        direction->addItem(lower ? tr("Maximise (away)") : tr("Minimise (away)"), true);
        direction->setCurrentIndex(term.away ? 1 : 0);

        auto *weight = new QDoubleSpinBox;
        weight->setRange(-100, 100);
        weight->setDecimals(2);
        weight->setSingleStep(0.1);
        weight->setValue(term.weight);

        auto *parameter = new QDoubleSpinBox;
        if (const auto *p = dragon::rewardParameterOf(term.type)) { // the range validate() checks
            parameter->setPrefix(QString::fromStdString(p->prefix));
            parameter->setSuffix(QString::fromStdString(p->suffix));
            parameter->setSpecialValueText(QString::fromStdString(p->zeroText));
            parameter->setDecimals(p->decimals);
            parameter->setRange(p->low, p->high);
            parameter->setSingleStep(p->step);
            parameter->setValue(p->get(term));
            parameter->setToolTip(QString::fromStdString(p->help));
        } else {
            parameter->setEnabled(false);
            parameter->setSpecialValueText(tr("—"));
            parameter->setRange(0, 0);
        }
        m_terms->setCellWidget(row, TypeColumn, type);
        m_terms->setCellWidget(row, SetColumn, set);
        m_terms->setCellWidget(row, DirectionColumn, direction);
        m_terms->setCellWidget(row, WeightColumn, weight);
        m_terms->setCellWidget(row, ParameterColumn, parameter);
        auto *scale = new QTableWidgetItem(tr("—"));
        scale->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        const auto *termSet = project.findSet(term.exemplarSet);
        const std::string setName = info && info->needsExemplars && termSet ? termSet->name : "";
        for (const auto &p : m_previewTerms)
            if (p.type == term.type && p.setName == setName && std::isfinite(p.scaleSd)) {
                scale->setText(tr("sd %1").arg(p.scaleSd, 0, 'g', 3));
                scale->setToolTip(tr("Spread of this term over the preview of %1 (%2; mean "
                                     "%3): a weight of 1 means one such spread")
                                      .arg(m_previewStamp, QString::fromStdString(p.unit))
                                      .arg(p.scaleMean, 0, 'g', 3));
                break;
            }
        m_terms->setItem(row, ScaleColumn, scale);
        connect(type, &QComboBox::currentIndexChanged, this, [this] {
            storeTerms();
            rebuildTerms(); // the parameter and set columns depend on the kind
        });
        for (QComboBox *combo : {set, direction})
            connect(combo, &QComboBox::currentIndexChanged, this, &RewardPanel::storeTerms);
        for (QDoubleSpinBox *spin : {weight, parameter})
            connect(spin, &QDoubleSpinBox::valueChanged, this, &RewardPanel::storeTerms);
    }
    m_updating = false;
    validate();
}

void RewardPanel::setPreviewScales(const dragon::PreviewResult &preview)
{
    m_previewTerms = preview.terms;
    m_previewStamp = QString::fromStdString(dragon::ProjectFolder::displayStamp(preview.createdAt));
    rebuildTerms();
}

void RewardPanel::storeTerms()
{
    if (m_updating)
        return;
    dragon::RewardDefinition reward = m_document->project().reward;
    reward.terms.clear();
    for (int row = 0; row < m_terms->rowCount(); ++row) {
        dragon::RewardTerm term;
        const auto *old = row < int(m_document->project().reward.terms.size())
                              ? &m_document->project().reward.terms[std::size_t(row)]
                              : nullptr;
        if (old)
            term = *old;
        term.type = qobject_cast<QComboBox *>(m_terms->cellWidget(row, TypeColumn))
                        ->currentData()
                        .toString()
                        .toStdString();
        const auto *set = qobject_cast<QComboBox *>(m_terms->cellWidget(row, SetColumn));
        if (set->isEnabled()) // a kind without exemplars keeps the last chosen set for later
            term.exemplarSet = set->currentData().toString().toStdString();
        term.away = qobject_cast<QComboBox *>(m_terms->cellWidget(row, DirectionColumn))
                        ->currentData()
                        .toBool();
        term.weight =
            qobject_cast<QDoubleSpinBox *>(m_terms->cellWidget(row, WeightColumn))->value();
        const double parameter =
            qobject_cast<QDoubleSpinBox *>(m_terms->cellWidget(row, ParameterColumn))->value();
        const auto *p = dragon::rewardParameterOf(term.type);
        if (p && old && old->type == term.type) // the parameter widget belongs to this kind
            p->set(term, parameter);
        reward.terms.push_back(term);
    }
    m_updating = true;
    m_document->setReward(reward);
    m_updating = false;
    validate();
}

void RewardPanel::validate()
{
    const auto &project = m_document->project();
    m_problems.clear();
    if (!m_encoderError.isEmpty())
        m_problems << tr("The encoder cannot be used: %1").arg(m_encoderError);
    for (const auto &p : project.reward.validate(project, encoderHasText()))
        m_problems << QString::fromStdString(p);
    if (m_problems.isEmpty()) {
        std::string kinds;
        for (const auto &t : project.reward.terms)
            kinds += (kinds.empty() ? "" : ", ") + dragon::findRewardType(t.type)->kind;
        m_validation->setStyleSheet("color: #1b5e20");
        m_validation->setText(tr("Reward ready (%1).").arg(QString::fromStdString(kinds)));
    } else {
        m_validation->setStyleSheet("color: #b00020");
        m_validation->setText(m_problems.join("\n"));
    }
}
