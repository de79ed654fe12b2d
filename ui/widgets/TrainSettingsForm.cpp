#include "widgets/TrainSettingsForm.h"

#include "document/ProjectDocument.h"
#include "dragon/DragonConfig.h"
#include "dragon/SuggestedSettings.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <algorithm>
#include <cmath>

namespace {

QSpinBox *spin(int low, int high, int value)
{
    auto *s = new QSpinBox;
    s->setRange(low, high);
    s->setValue(value);
    return s;
}

} // namespace

TrainSettingsForm::TrainSettingsForm(ProjectDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_rounds(spin(1, 10000, 40)),
      m_promptsPerRound(spin(1, 256, 8)), m_seeds(spin(1, 16, 2)), m_demoSteps(spin(1, 200, 10)),
      m_evalEvery(spin(0, 1000, 5)), m_evalSeeds(spin(1, 16, 4)), m_runSeed(spin(0, 1000000000, 1)),
      m_loss(new QComboBox), m_learningRate(new QDoubleSpinBox), m_beta(new QDoubleSpinBox),
      m_anchorWeight(new QDoubleSpinBox), m_emaDecay(new QDoubleSpinBox), m_suggested(new QLabel),
      m_useSuggested(new QPushButton(tr("Use suggested")))
{
    const dragon::DragonConfig defaults;
    m_loss->addItem(tr("Diffusion-DPO (pairs)"), "dpo");
    m_loss->addItem(tr("Diffusion-KTO (labels)"), "kto");
    m_learningRate->setDecimals(7);
    m_learningRate->setRange(1e-7, 1e-2);
    m_learningRate->setSingleStep(1e-6);
    m_learningRate->setValue(defaults.learningRate);
    m_beta->setRange(1, 100000);
    m_beta->setValue(defaults.beta);
    m_anchorWeight->setRange(0, 1000);
    m_anchorWeight->setDecimals(1);
    m_anchorWeight->setValue(defaults.anchorWeight);
    m_anchorWeight->setObjectName("anchorWeightSpin");
    m_emaDecay->setRange(0, 0.9999);
    m_emaDecay->setDecimals(4);
    m_emaDecay->setSingleStep(0.01);
    m_emaDecay->setValue(defaults.emaDecay);
    m_emaDecay->setSpecialValueText(tr("off"));
    m_emaDecay->setObjectName("emaDecaySpin");
    m_loss->setObjectName("lossCombo");
    m_rounds->setObjectName("roundsSpin");
    m_promptsPerRound->setObjectName("promptsSpin");
    m_evalEvery->setObjectName("evalEverySpin");
    m_runSeed->setObjectName("runSeedSpin");
    m_evalSeeds->setObjectName("evalSeedsSpin");
    m_evalSeeds->setToolTip(tr("Generations per eval prompt; a prompt is won when their mean beats "
                               "the base model's. More prompts with fewer seeds each narrow the "
                               "win rate's interval for the same cost."));
    m_runSeed->setToolTip(
        tr("The run's seed: which prompts each round draws, the sampler noise and "
           "the evaluation seeds. The same seed and settings give the same run."));

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Rounds"), m_rounds);
    form->addRow(tr("Loss"), m_loss);
    form->addRow(tr("Learning rate"), m_learningRate);
    form->addRow(tr("Beta"), m_beta);
    form->addRow(tr("Anchor weight"), m_anchorWeight);
    form->addRow(tr("EMA decay"), m_emaDecay);
    form->addRow(tr("Prompts per round"), m_promptsPerRound);
    form->addRow(tr("Seeds per prompt"), m_seeds);
    form->addRow(tr("Demo sampler steps"), m_demoSteps);
    form->addRow(tr("Evaluate every (rounds)"), m_evalEvery);
    form->addRow(tr("Eval seeds per prompt"), m_evalSeeds);
    form->addRow(tr("Run seed"), m_runSeed);
    m_suggested->setObjectName("suggestedSettings");
    m_suggested->setWordWrap(true);
    // Three lines: the suggestion and what the project does otherwise, without the form below
    // jumping as fields are edited.
    m_suggested->setMinimumHeight(m_suggested->fontMetrics().lineSpacing() * 3 + 4);
    // Selected by name: a bare "color:" style cascades to the tooltip, which then showed the
    // reasons in pale grey on the tooltip's pale yellow.
    m_suggested->setStyleSheet("#suggestedSettings { color: palette(mid); }");
    m_useSuggested->setObjectName("useSuggested");
    auto *suggestion = new QHBoxLayout;
    suggestion->addWidget(m_suggested, 1);
    suggestion->addWidget(m_useSuggested);
    form->addRow(suggestion);

    for (QSpinBox *box :
         {m_rounds, m_promptsPerRound, m_seeds, m_demoSteps, m_evalEvery, m_runSeed, m_evalSeeds})
        connect(box, &QSpinBox::valueChanged, this, &TrainSettingsForm::store);
    for (QDoubleSpinBox *box : {m_learningRate, m_beta, m_anchorWeight, m_emaDecay})
        connect(box, &QDoubleSpinBox::valueChanged, this, &TrainSettingsForm::store);
    connect(m_loss, &QComboBox::currentIndexChanged, this, &TrainSettingsForm::store);
    connect(m_rounds, &QSpinBox::valueChanged, this, &TrainSettingsForm::roundsChanged);
    connect(m_useSuggested, &QPushButton::clicked, this, &TrainSettingsForm::applySuggestion);
    connect(document, &ProjectDocument::rewardChanged, this, &TrainSettingsForm::updateSuggestion);
}

void TrainSettingsForm::load()
{
    m_loading = true;
    const dragon::DragonConfig defaults;
    const dragon::TrainingSettings &t = m_document->project().training;
    // Unset fields: the suggestion for the project's reward, else the engine's defaults.
    const dragon::TrainingSettings suggested =
        dragon::SuggestedSettings::forReward(m_document->project().reward).settings;
    m_rounds->setValue(t.rounds.value_or(defaults.rounds));
    m_promptsPerRound->setValue(
        t.promptsPerRound.value_or(suggested.promptsPerRound.value_or(defaults.promptsPerRound)));
    m_seeds->setValue(
        t.seedsPerPrompt.value_or(suggested.seedsPerPrompt.value_or(defaults.seedsPerPrompt)));
    m_demoSteps->setValue(t.demoSteps.value_or(defaults.demoSteps));
    m_evalEvery->setValue(t.evalEvery.value_or(defaults.evalEvery));
    m_runSeed->setValue(t.seed.value_or(int(defaults.seed)));
    m_evalSeeds->setValue(t.evalSeedsPerPrompt.value_or(defaults.evalSeedsPerPrompt));
    m_learningRate->setValue(
        t.learningRate.value_or(suggested.learningRate.value_or(defaults.learningRate)));
    m_beta->setValue(t.beta.value_or(suggested.beta.value_or(defaults.beta)));
    m_anchorWeight->setValue(
        t.anchorWeight.value_or(suggested.anchorWeight.value_or(defaults.anchorWeight)));
    m_emaDecay->setValue(t.emaDecay.value_or(suggested.emaDecay.value_or(defaults.emaDecay)));
    const std::string loss =
        t.loss.value_or(suggested.loss.value_or(dragon::preferenceLossName(defaults.loss)));
    m_loss->setCurrentIndex(std::max(0, m_loss->findData(QString::fromStdString(loss))));
    m_loading = false;
    updateSuggestion();
}

void TrainSettingsForm::fill(dragon::DragonConfig &c) const
{
    c.applyTrainingSettings(settings()); // every field is set, so every field applies
}

dragon::TrainingSettings TrainSettingsForm::settings() const
{
    dragon::TrainingSettings t;
    t.rounds = m_rounds->value();
    t.promptsPerRound = m_promptsPerRound->value();
    t.seedsPerPrompt = m_seeds->value();
    t.demoSteps = m_demoSteps->value();
    t.evalEvery = m_evalEvery->value();
    t.seed = m_runSeed->value();
    t.evalSeedsPerPrompt = m_evalSeeds->value();
    t.learningRate = m_learningRate->value();
    t.beta = m_beta->value();
    t.anchorWeight = m_anchorWeight->value();
    t.emaDecay = m_emaDecay->value();
    t.loss = m_loss->currentData().toString().toStdString(); // the combo holds "dpo"/"kto"
    return t;
}

int TrainSettingsForm::rounds() const
{
    return m_rounds->value();
}

bool TrainSettingsForm::evaluates() const
{
    return m_evalEvery->value() != 0;
}

void TrainSettingsForm::setEditable(bool editable)
{
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_rounds, m_loss, m_learningRate, m_beta, m_anchorWeight, m_emaDecay,
             m_promptsPerRound, m_seeds, m_demoSteps, m_evalEvery, m_runSeed, m_evalSeeds})
        w->setEnabled(editable);
}

void TrainSettingsForm::updateSuggestion()
{
    const auto s = dragon::SuggestedSettings::forReward(m_document->project().reward);
    const bool any = !s.settings.empty();
    const QString why = QString::fromStdString(s.basis);
    const QStringList differences = differencesFrom(s.settings);
    m_suggested->setText(
        !any ? tr("Settings are suggested once the reward is defined.")
        : differences.isEmpty()
            ? tr("Suggested for %1: %2 (in use).")
                  .arg(QString::fromStdString(s.kind), QString::fromStdString(s.summary()))
            : tr("Suggested for %1: %2. This project differs: %3.")
                  .arg(QString::fromStdString(s.kind), QString::fromStdString(s.summary()),
                       differences.join(", ")));
    m_suggested->setToolTip(why);
    m_useSuggested->setEnabled(any && !differences.isEmpty());
    m_useSuggested->setToolTip(any ? tr("Set loss, prompts per round, seeds, beta, learning "
                                        "rate, anchor weight and EMA decay as suggested: %1")
                                         .arg(why)
                                   : QString());
    const auto tip = [&](QWidget *w, bool set, const QString &value) {
        w->setToolTip(set ? tr("Suggested for %1: %2. Why: %3")
                                .arg(QString::fromStdString(s.kind), value, why)
                          : QString());
    };
    const auto &t = s.settings;
    tip(m_loss, bool(t.loss), QString::fromStdString(t.loss.value_or("")).toUpper());
    tip(m_promptsPerRound, bool(t.promptsPerRound), QString::number(t.promptsPerRound.value_or(0)));
    tip(m_seeds, bool(t.seedsPerPrompt), QString::number(t.seedsPerPrompt.value_or(0)));
    tip(m_beta, bool(t.beta), QString::number(t.beta.value_or(0)));
    tip(m_learningRate, bool(t.learningRate), QString::number(t.learningRate.value_or(0)));
    // The anchor's own meaning first: the field is new to most users.
    m_anchorWeight->setToolTip(
        tr("Weight of the pretraining anchor: the plain diffusion loss on the generator's own "
           "training clips, added to every update so that text adherence and diversity are not "
           "worn away (0: off). %1")
            .arg(t.anchorWeight ? tr("Suggested for %1: %2.")
                                      .arg(QString::fromStdString(s.kind))
                                      .arg(*t.anchorWeight)
                                : QString()));
    m_emaDecay->setToolTip(
        tr("Above 0 the run keeps an exponential moving average of the weights (after each "
           "update: decay x average + (1 - decay) x new weights) and evaluates, saves and "
           "compares that instead of the newest weights; 0.9 averages about the last 10 rounds. "
           "Off: the newest weights. %1")
            .arg(t.emaDecay ? tr("Suggested for %1: %2. Why: %3")
                                  .arg(QString::fromStdString(s.kind))
                                  .arg(*t.emaDecay)
                                  .arg(why)
                 : any ? tr("Off is suggested for %1.").arg(QString::fromStdString(s.kind))
                       : QString()));
}

QStringList TrainSettingsForm::differencesFrom(const dragon::TrainingSettings &t) const
{
    QStringList out;
    // The spin boxes round to their decimals: compare with a tolerance, not bit for bit.
    const auto differs = [](double shown, double suggested) {
        return std::abs(shown - suggested) > 1e-9 * std::max(1.0, std::abs(suggested));
    };
    const auto note = [&](const QString &field, const QString &shown, const QString &suggested) {
        out << tr("%1 %2 (suggested %3)").arg(field, shown, suggested);
    };
    if (t.loss && m_loss->currentData().toString() != QString::fromStdString(*t.loss))
        note(tr("loss"), m_loss->currentData().toString().toUpper(),
             QString::fromStdString(*t.loss).toUpper());
    if (t.promptsPerRound && m_promptsPerRound->value() != *t.promptsPerRound)
        note(tr("prompts per round"), QString::number(m_promptsPerRound->value()),
             QString::number(*t.promptsPerRound));
    if (t.seedsPerPrompt && m_seeds->value() != *t.seedsPerPrompt)
        note(tr("seeds per prompt"), QString::number(m_seeds->value()),
             QString::number(*t.seedsPerPrompt));
    if (t.beta && differs(m_beta->value(), *t.beta))
        note(tr("beta"), QString::number(m_beta->value()), QString::number(*t.beta));
    if (t.learningRate && differs(m_learningRate->value(), *t.learningRate))
        note(tr("learning rate"), QString::number(m_learningRate->value()),
             QString::number(*t.learningRate));
    if (t.anchorWeight && differs(m_anchorWeight->value(), *t.anchorWeight))
        note(tr("anchor weight"), QString::number(m_anchorWeight->value()),
             QString::number(*t.anchorWeight));
    if (t.emaDecay && differs(m_emaDecay->value(), *t.emaDecay))
        note(tr("EMA decay"), QString::number(m_emaDecay->value()), QString::number(*t.emaDecay));
    return out;
}

void TrainSettingsForm::applySuggestion()
{
    const auto t = dragon::SuggestedSettings::forReward(m_document->project().reward).settings;
    if (t.loss)
        m_loss->setCurrentIndex(std::max(0, m_loss->findData(QString::fromStdString(*t.loss))));
    if (t.promptsPerRound)
        m_promptsPerRound->setValue(*t.promptsPerRound);
    if (t.seedsPerPrompt)
        m_seeds->setValue(*t.seedsPerPrompt);
    if (t.beta)
        m_beta->setValue(*t.beta);
    if (t.learningRate)
        m_learningRate->setValue(*t.learningRate);
    if (t.anchorWeight)
        m_anchorWeight->setValue(*t.anchorWeight);
    if (t.emaDecay)
        m_emaDecay->setValue(*t.emaDecay);
}

void TrainSettingsForm::store()
{
    if (m_loading)
        return;
    m_document->setTraining(settings());
    updateSuggestion(); // the line says whether the form still follows the suggestion
    Q_EMIT edited();
}
